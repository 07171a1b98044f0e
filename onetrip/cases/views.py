"""Pages for applications: the portal side (/applications/, phone first) and the workbench
side (/workbench/cases/). Views parse the request, call selectors and services, and render;
a refused action re-renders the page with the reason and a 4xx status, keeping what was saved."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from onetrip.accounts import policies as account_policies
from onetrip.accounts import selectors as account_selectors
from onetrip.catalogue.selectors import matter_get_public
from onetrip.core import access
from onetrip.core.errors import DomainError, NotFound
from onetrip.core.uploads import stored_file_response, upload_max_bytes
from onetrip.credit.selectors import credit_grade_get
from onetrip.datasets.masking import mask
from onetrip.datasets.models import MaskingRule
from onetrip.exchange import selectors as exchange_selectors
from onetrip.notify import selectors as notify_selectors
from onetrip.notify import services as notify_services
from onetrip.payments import selectors as payment_selectors

from . import notices, policies, register, selectors, services
from .models import (
    WITHDRAWAL_REASON_MAX_LENGTH,
    CaseStatus,
    Channel,
    DeliveryMethod,
    MissingMaterial,
    NoticeKind,
)

INPUT_TYPES = {
    "text": ("text", ""),
    "number": ("text", "decimal"),
    "date": ("date", ""),
    "id_number": ("text", "text"),
    "phone": ("tel", "tel"),
    "uscc": ("text", "text"),
}


def form_fields(schema, values: dict, errors: dict) -> list[dict]:
    """The matter's form schema as a list the templates render (one input per field)."""
    fields = []
    for field in schema or []:
        input_type, inputmode = INPUT_TYPES.get(field.get("type"), ("text", ""))
        fields.append(
            {
                **field,
                "input_type": input_type,
                "inputmode": inputmode,
                "value": values.get(field["name"], ""),
                "error": errors.get(field["name"], ""),
            }
        )
    return fields


def _get_case(request, number: str, purpose: str):
    try:
        return selectors.case_get(
            user=request.user, number=number, purpose=purpose, request=request
        )
    except NotFound as error:
        raise Http404(error.message) from error


# Form fields that hold personal identifiers, and how staff who only watch a case see them.
FORM_MASKS = {"id_number": MaskingRule.ID_NUMBER, "phone": MaskingRule.PHONE}


def _form_masked(schema, case) -> dict:
    """The form's values with citizen ID numbers and phone numbers masked, for staff who may see
    the case but do not work on it (supervisors), as its pulled data is."""
    rules = {f["name"]: FORM_MASKS[f["type"]] for f in schema or [] if f.get("type") in FORM_MASKS}
    return {k: mask(v, rules[k]) if k in rules else v for k, v in case.form_data.items()}


CHARGED_STATUSES = {
    CaseStatus.APPROVED,
    CaseStatus.RESULT_ISSUED,
    CaseStatus.DELIVERED,
    CaseStatus.RATED,
}


def _payments_of(case) -> list:
    """The fee orders of a decided case (none can exist before approval)."""
    if case.status not in CHARGED_STATUSES:
        return []
    return payment_selectors.orders_for_reference(services.payment_reference(case))


def case_context(request, case, **extra) -> dict:
    correction = getattr(case, "correction", None)  # the reverse one-to-one may not exist
    clear = policies.sees_in_clear(request.user, case)
    rows = selectors.material_rows(case, clear=clear)
    is_draft = case.status == CaseStatus.DRAFT
    plan = [r["material"] for r in rows if r["sourced"]] if is_draft else []
    return {
        "case": case,
        "version": case.matter_version,
        "colour": selectors.case_colour(case),
        "fields": form_fields(
            case.matter_version.form_schema,
            case.form_data if clear else _form_masked(case.matter_version.form_schema, case),
            {},
        ),
        "material_rows": rows,
        "has_pulled": bool(plan),
        "has_upload_rows": any(not row["pulled"] for row in rows),
        "id_only_plan": exchange_selectors.id_only_plan(plan) if plan else [],
        "events": case.events.select_related("actor").all(),
        "notices": [
            {"notice": n, "title": notices.notice_title(n)} for n in selectors.notices_of(case)
        ],
        "correction": correction,
        "upload_limit_mb": upload_max_bytes() // (1024 * 1024),
        "may_withdraw": services.case_is_withdrawable(case),
        "payments": _payments_of(case),
        "reason_max_length": WITHDRAWAL_REASON_MAX_LENGTH,
        **extra,
    }


def _refused(request, template: str, case, error: DomainError, **extra):
    case.refresh_from_db()
    return render(
        request,
        template,
        case_context(request, case, error=error, **extra),
        status=error.status,
    )


# --- portal --------------------------------------------------------------------------------


@login_required
def my_applications(request):
    cases = list(selectors.case_list_for_applicant(user=request.user)[:100])
    return render(request, "cases/my_list.html", {"cases": cases})


@login_required
def my_messages(request):
    notifications = list(notify_selectors.notification_list(user=request.user))
    notify_services.notifications_mark_read(user=request.user)
    return render(request, "cases/messages.html", {"notifications": notifications})


@login_required
@require_http_methods(["GET", "POST"])
def start(request, code: str):
    try:
        version = matter_get_public(code=code)
    except NotFound as error:
        raise Http404(error.message) from error
    person = account_selectors.person_for_user(user=request.user)
    representations = (
        list(account_selectors.representations_for_person(person=person)) if person else []
    )
    error = None
    if request.method == "POST":
        channel = Channel.MOBILE if request.POST.get("channel") == "mobile" else Channel.ONLINE
        try:
            case = services.case_create(
                actor=request.user,
                version=version,
                channel=channel,
                uscc=request.POST.get("uscc", ""),
                request=request,
            )
        except DomainError as refused:
            error = refused
        else:
            return redirect("cases:form", number=case.number)
    return render(
        request,
        "cases/start.html",
        {"version": version, "representations": representations, "error": error},
        status=error.status if error else 200,
    )


@login_required
def detail(request, number: str):
    case = _get_case(request, number, "portal case page")
    if request.user.user_type == "staff":
        return redirect("casework:detail", number=number)
    return render(request, "cases/detail.html", case_context(request, case))


def _form_page(request, number: str, template: str, purpose: str, next_view: str):
    case = _get_case(request, number, purpose)
    values, errors, status, error = case.form_data, {}, 200, None
    if request.method == "POST":
        values = {
            f["name"]: request.POST.get(f["name"], "") for f in case.matter_version.form_schema
        }
        try:
            services.case_form_save(actor=request.user, case=case, data=values, request=request)
        except DomainError as refused:
            error, status = refused, refused.status
            errors = refused.detail if isinstance(refused.detail, dict) else {}
        else:
            messages.success(request, _("Saved."))
            return redirect(next_view, number=case.number)
    return render(
        request,
        template,
        {
            "case": case,
            "version": case.matter_version,
            "fields": form_fields(case.matter_version.form_schema, values, errors),
            "error": error,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def fill_form(request, number: str):
    return _form_page(request, number, "cases/form.html", "portal form", "cases:detail")


def _posted_material(request, case):
    material_id = request.POST.get("material", "")
    if not material_id.isdigit():
        return None
    return case.matter_version.materials.filter(pk=int(material_id)).first()


def _posted_commitment(request, case):
    commitment_id = request.POST.get("commitment", "")
    if not commitment_id.isdigit():
        raise Http404
    return selectors.commitment_get(case=case, pk=int(commitment_id))


def _upload_or_refuse(request, case, template):
    material = _posted_material(request, case)
    uploaded = request.FILES.get("file")
    if uploaded is None:
        return DomainError("cases.upload_missing", _("Choose a file to upload."), status=400)
    missing_id = request.POST.get("missing", "")
    try:
        if missing_id.isdigit():
            missing = MissingMaterial.objects.filter(application=case, pk=int(missing_id)).first()
            if missing is None:
                raise Http404
            services.case_missing_supply(
                actor=request.user,
                case=case,
                missing=missing,
                uploaded_file=uploaded,
                request=request,
            )
        else:
            services.case_material_upload(
                actor=request.user,
                case=case,
                uploaded_file=uploaded,
                matter_material=material,
                request=request,
            )
    except DomainError as refused:
        return refused
    return None


@login_required
@require_POST
def upload(request, number: str):
    case = _get_case(request, number, "portal upload")
    refused = _upload_or_refuse(request, case, "cases/detail.html")
    if refused:
        return _refused(request, "cases/detail.html", case, refused)
    messages.success(request, _("The file was uploaded."))
    return redirect("cases:detail", number=number)


def _commitment_post(request, case) -> str:
    """Make a commitment instead of a material (告知承诺), or take one back; what was done."""
    if request.POST.get("withdraw"):
        services.case_commitment_withdraw(
            actor=request.user,
            case=case,
            commitment=_posted_commitment(request, case),
            request=request,
        )
        return _("The commitment was taken back: please supply the material.")
    services.case_commitment_make(
        actor=request.user,
        case=case,
        matter_material=_posted_material(request, case),
        agreed=request.POST.get("agree") == "yes",
        request=request,
    )
    return _("The commitment was made: this material need not be supplied.")


@login_required
@require_POST
def commitment(request, number: str):
    case = _get_case(request, number, "portal commitment")
    try:
        done = _commitment_post(request, case)
    except DomainError as refused:
        return _refused(request, "cases/detail.html", case, refused)
    messages.success(request, done)
    return redirect("cases:detail", number=number)


@login_required
@require_POST
def submit(request, number: str):
    case = _get_case(request, number, "portal submit")
    try:
        if case.status == CaseStatus.CORRECTION:
            services.case_correction_answer(
                actor=request.user,
                case=case,
                note=request.POST.get("note", ""),
                request=request,
            )
        else:
            services.case_submit(
                actor=request.user,
                case=case,
                request=request,
                consent=request.POST.get("consent") == "yes",
            )
    except DomainError as refused:
        return _refused(request, "cases/detail.html", case, refused)
    messages.success(request, _("Your application was submitted."))
    return redirect("cases:detail", number=number)


@login_required
@require_POST
def withdraw(request, number: str):
    """The applicant withdraws the application (撤回申请) with a reason; a refusal re-renders
    the page with the reason typed so far."""
    case = _get_case(request, number, "portal withdraw")
    reason = request.POST.get("reason", "")
    try:
        services.case_withdraw(actor=request.user, case=case, reason=reason, request=request)
    except DomainError as refused:
        return _refused(request, "cases/detail.html", case, refused, withdrawal_draft=reason)
    messages.success(request, _("Your application was withdrawn."))
    return redirect("cases:detail", number=number)


@login_required
def material_file(request, number: str, public_id):
    """An uploaded file, only to those who may see the case (never from the web root)."""
    case = _get_case(request, number, "material download")
    try:
        material = selectors.material_get(case=case, public_id=public_id)
    except NotFound as error:
        raise Http404(error.message) from error
    return stored_file_response(material)


@login_required
def notice_download(request, number: str, kind: str):
    """A written notice as PDF, to the applicant and the staff who may see the case."""
    case = _get_case(request, number, "notice download")
    try:
        notice = selectors.notice_get(case=case, kind=kind)
    except NotFound as error:
        raise Http404(error.message) from error
    return notices.notice_pdf_response(notice, user=request.user, case=case)


def notice_check(request, public_id):
    """The public page a notice's QR code opens: is this notice on record, and is its seal
    intact? It names the addressee masked and states nothing else personal."""
    notice = selectors.notice_for_check(public_id)
    if notice is None:
        raise Http404(_("No such notice."))
    return render(
        request,
        "cases/notice_check.html",
        {
            "notice": notice,
            "title": notices.notice_title(notice),
            "addressee": notices.addressee_masked(notice),
            "sealed_ok": notices.notice_sealed_ok(notice),
        },
    )


# --- workbench -----------------------------------------------------------------------------


staff_required = access.staff_required  # signed-in staff; others sign in or get 403


def _can(request, permission: str) -> bool:
    return account_policies.has_permission(request.user, permission)


def _wb(request, template, context, status=200):
    context = {
        "staff": account_selectors.staff_for_user(user=request.user),
        "can_intake": _can(request, "cases.intake"),
        "can_review": _can(request, "cases.review"),
        "can_decide": _can(request, "cases.decide"),
        "can_supervise": _can(request, "supervision.view"),
        "can_verify": _can(request, "accounts.verify_in_person"),
        "can_grant": _can(request, "accounts.grant_department"),
        **context,
    }
    return render(request, template, context, status=status)


@staff_required
def wb_list(request):
    status = request.GET.get("status", "")
    if status not in CaseStatus.values:
        status = ""
    commitments_open = request.GET.get("commitments") == "open"
    if commitments_open:  # the to-do list's link: commitments to check, soonest due first
        cases = selectors.case_list_commitments_open(user=request.user)
    else:
        cases = selectors.case_list_for_staff(user=request.user, status=status)
    return _wb(
        request,
        "cases/wb_list.html",
        {
            "cases": list(cases[:200]),
            "status": status,
            "statuses": CaseStatus.choices,
            "commitments_open": commitments_open,
        },
    )


@staff_required
def wb_notices(request):
    """The notice register (文书台账) of the departments in the staff member's scope; with
    `?format=xlsx` the same as an Excel file."""
    if not _can(request, "cases.view"):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    filters = register.RegisterFilter.from_query(request.GET)
    if request.GET.get("format") == "xlsx":
        name = f"notices-{timezone.localdate():%Y%m%d}.xlsx"
        return HttpResponse(
            register.register_workbook(user=request.user, filters=filters, request=request),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    page = Paginator(register.notice_register(user=request.user, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return _wb(
        request,
        "cases/wb_notices.html",
        {
            "page_obj": page,
            "rows": [register.register_row(notice) for notice in page],
            "filters": filters,
            "kinds": NoticeKind.choices,
            "query": query.urlencode(),
        },
    )


def register_at_window_next(error, page: str, **query) -> str:
    """When a counter intake did not find the person: the page to come back to (with what was
    typed) after the clerk has opened an account for them (workbench people page)."""
    if error is None or not error.code.endswith(".applicant_not_found"):
        return ""
    return f"{page}?{urlencode(query)}" if query else page


@staff_required
@require_http_methods(["GET", "POST"])
def wb_intake(request):
    if not _can(request, "cases.intake"):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    error, person, status = None, None, 200
    # GET may carry both to start from (an appointment's "start intake" link).
    source = request.POST if request.method == "POST" else request.GET
    id_number = source.get("id_number", "").strip()[:18]
    matter_code = source.get("matter_code", "").strip()[:64]
    if request.method == "POST":
        person = account_selectors.person_find_by_id_number(
            actor=request.user, id_number=id_number, purpose="counter intake", request=request
        )
        try:
            if person is None:
                raise DomainError(
                    "cases.applicant_not_found",
                    _(
                        "No registered person has this ID number. "
                        "Open an account for them at the window."
                    ),
                    status=404,
                )
            version = matter_get_public(code=matter_code)
            case = services.case_create(
                actor=request.user,
                version=version,
                channel=Channel.COUNTER,
                applicant=person.user,
                uscc=request.POST.get("uscc", ""),
                request=request,
            )
        except DomainError as refused:
            error, status = refused, refused.status
        else:
            return redirect("casework:form", number=case.number)
    queue = list(selectors.case_list_for_intake(user=request.user)[:200])
    return _wb(
        request,
        "cases/wb_intake.html",
        {
            "queue": queue,
            "error": error,
            "id_number": id_number,
            "matter_code": matter_code,
            "register_next": register_at_window_next(
                error, reverse("casework:intake"), id_number=id_number, matter_code=matter_code
            ),
        },
        status=status,
    )


@staff_required
def wb_supervision(request):
    colour = request.GET.get("colour", "")
    if colour not in ("red", "yellow"):
        colour = ""
    try:
        result = selectors.case_page_for_supervision(
            user=request.user, colour=colour, page=request.GET.get("page", 1), request=request
        )
    except DomainError as refused:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied from refused
    page = result.page
    return _wb(
        request,
        "cases/wb_supervision.html",
        {
            "cases": result.cases,
            "page_obj": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "today": result.today,
            "cutoff": result.cutoff,
            "red": result.red,
            "yellow": result.yellow,
            "colour": result.colour,
            "missing_overdue": selectors.missing_overdue_for_supervision(user=request.user),
        },
    )


def _wb_detail_context(request, case, **extra):
    context = case_context(request, case, **extra)
    if case.status == CaseStatus.SUBMITTED:
        context["credit_grade"] = credit_grade_get(case.subject_type, case.subject_id)
        context["missing_now"] = services.materials_missing(case)
    # Whoever reviews or decides in the case's department checks its commitments (事后核查).
    context["may_check_commitments"] = (
        _can(request, "cases.review") or _can(request, "cases.decide")
    ) and policies.staff_may_see(request.user, case)
    context["delivery_methods"] = DeliveryMethod.choices
    context["fee_unpaid"] = any(p.status == "unpaid" for p in context["payments"])
    if case.status == CaseStatus.APPROVED and not context["fee_unpaid"]:
        context["may_charge"] = _can(request, "cases.intake") or _can(request, "cases.review")
        context["charge_rows"] = range(3)
    return context


@staff_required
def wb_detail(request, number: str):
    case = _get_case(request, number, "workbench case page")
    return _wb(request, "cases/wb_detail.html", _wb_detail_context(request, case))


@staff_required
@require_http_methods(["GET", "POST"])
def wb_form(request, number: str):
    return _form_page(request, number, "cases/wb_form.html", "workbench form", "casework:detail")


ACTIONS = {
    "accept": lambda r, c: services.case_accept(
        actor=r.user, case=c, note=r.POST.get("note", ""), request=r
    ),
    "not-accept": lambda r, c: services.case_not_accept(
        actor=r.user, case=c, reason=r.POST.get("reason", ""), request=r
    ),
    "correction": lambda r, c: services.case_correction_request(
        actor=r.user,
        case=c,
        note=r.POST.get("note", ""),
        request=r,
        materials=c.matter_version.materials.filter(
            pk__in=[int(x) for x in r.POST.getlist("materials") if x.isdigit()]
        ),
    ),
    "step": lambda r, c: services.case_step_complete(
        actor=r.user, case=c, note=r.POST.get("note", ""), request=r
    ),
    "approve": lambda r, c: services.case_approve(
        actor=r.user, case=c, note=r.POST.get("note", ""), request=r
    ),
    "deny": lambda r, c: services.case_deny(
        actor=r.user, case=c, reason=r.POST.get("reason", ""), request=r
    ),
    "suspend": lambda r, c: services.case_suspend(
        actor=r.user, case=c, reason=r.POST.get("reason", ""), request=r
    ),
    "resume": lambda r, c: services.case_resume(actor=r.user, case=c, request=r),
    "issue": lambda r, c: services.case_result_issue(actor=r.user, case=c, request=r),
    "charge": lambda r, c: services.case_charge(
        actor=r.user,
        case=c,
        items=[
            {"name": name, "amount": amount}
            for name, amount in zip(
                r.POST.getlist("item_name"), r.POST.getlist("item_amount"), strict=False
            )
        ],
        request=r,
    ),
    "deliver": lambda r, c: services.case_deliver(
        actor=r.user,
        case=c,
        method=r.POST.get("method", ""),
        tracking_number=r.POST.get("tracking_number", ""),
        request=r,
    ),
    "commitment-check": lambda r, c: services.case_commitment_check(
        actor=r.user,
        case=c,
        commitment=_posted_commitment(r, c),
        outcome=r.POST.get("outcome", ""),
        note=r.POST.get("note", ""),
        request=r,
    ),
    "submit": lambda r, c: (
        services.case_correction_answer(actor=r.user, case=c, request=r)
        if c.status == CaseStatus.CORRECTION
        else services.case_submit(
            actor=r.user, case=c, request=r, consent=r.POST.get("consent") == "yes"
        )
    ),
}
DONE = {
    "accept": gettext_lazy("Accepted."),
    "not-accept": gettext_lazy("Marked as not accepted."),
    "correction": gettext_lazy("Correction requested."),
    "step": gettext_lazy("Step done."),
    "approve": gettext_lazy("Approved."),
    "deny": gettext_lazy("Denied."),
    "suspend": gettext_lazy("Suspended."),
    "resume": gettext_lazy("Resumed."),
    "issue": gettext_lazy("Result issued."),
    "deliver": gettext_lazy("Delivered."),
    "charge": gettext_lazy("The payment order was issued to the applicant."),
    "submit": gettext_lazy("Submitted."),
    "upload": gettext_lazy("The file was uploaded."),
    "commitment-check": gettext_lazy("The check of the commitment was recorded."),
}


@staff_required
@require_POST
def wb_action(request, number: str, action: str):
    case = _get_case(request, number, f"workbench {action}")
    done = DONE.get(action)
    if action == "upload":
        refused = _upload_or_refuse(request, case, "cases/wb_detail.html")
    elif action == "commitment":
        try:
            done, refused = _commitment_post(request, case), None
        except DomainError as error:
            refused = error
    elif action in ACTIONS:
        try:
            ACTIONS[action](request, case)
            refused = None
        except DomainError as error:
            refused = error
    else:
        raise Http404
    if refused is not None:
        case.refresh_from_db()
        return _wb(
            request,
            "cases/wb_detail.html",
            _wb_detail_context(request, case, error=refused),
            status=refused.status,
        )
    messages.success(request, done)
    return redirect("casework:detail", number=number)
