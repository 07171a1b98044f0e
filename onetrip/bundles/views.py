"""Bundle pages: the portal side (/bundles/, phone first: start from a life event, one merged
form, uploads, submit, the parts' statuses, withdrawal) and the workbench side
(/workbench/bundles/: the bundle view for clerks, and counter intake 一窗受理 — the clerk starts a
bundle for the person in front of them, fills the form, uploads and submits on their behalf).
Thin: parse → selector → service → render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from onetrip.accounts import policies as account_policies
from onetrip.accounts import selectors as account_selectors
from onetrip.cases.models import WITHDRAWAL_REASON_MAX_LENGTH, Channel
from onetrip.cases.policies import staff_may_see
from onetrip.cases.views import form_fields, register_at_window_next, staff_required
from onetrip.catalogue.selectors import life_event_get_public, life_event_list_public
from onetrip.core.errors import DomainError, NotFound
from onetrip.core.uploads import upload_max_bytes
from onetrip.exchange import selectors as exchange_selectors

from . import policies, selectors, services
from .merge import merge_forms, merge_materials
from .models import BundleStatus


def _get(request, number: str, purpose: str):
    try:
        return selectors.bundle_get(
            user=request.user, number=number, purpose=purpose, request=request
        )
    except NotFound as error:
        raise Http404(error.message) from error


def _event_or_404(code: str):
    try:
        return life_event_get_public(code=code)
    except NotFound as error:
        raise Http404(error.message) from error


# The URL names of the draft's pages, per side: the clerk works on a counter bundle in the
# workbench, the applicant on the portal; the templates' partials are the same.
PORTAL_URLS = {
    "form_url": "bundles:form",
    "upload_url": "bundles:upload",
    "submit_url": "bundles:submit",
}
WORKBENCH_URLS = {
    "form_url": "bundlework:form",
    "upload_url": "bundlework:upload",
    "submit_url": "bundlework:submit",
}


def _channel_label(bundle) -> str:
    return Channel(bundle.channel).label if bundle.channel in Channel.values else bundle.channel


def _sourced(versions) -> list:
    """The bundle's materials pulled from shared data or an e-licence, each named once."""
    seen = {}
    for version in versions:
        for material in version.materials.all():
            if material.source != "none":
                seen.setdefault((material.name, material.source_ref), material)
    return list(seen.values())


def _context(request, bundle, *, urls=PORTAL_URLS, **extra) -> dict:
    versions = services.bundle_versions(bundle.life_event)
    merged = merge_forms(versions)
    uploads = services.newest_uploads(bundle)
    materials = [{"material": m, "upload": uploads.get(m.name)} for m in merge_materials(versions)]
    parts = [
        {"part": p, "case": p.application, "open": staff_may_see(request.user, p.application)}
        for p in bundle.parts.all()
    ]
    is_draft = bundle.submitted_at is None
    # Whoever submits asks for the consent to ID-only pulls: the applicant online, the clerk
    # at a counter (for the consent the applicant gives in person).
    asks = is_draft and policies.may_submit(request.user, bundle)
    return {
        "id_only_plan": exchange_selectors.id_only_plan(_sourced(versions)) if asks else [],
        "at_counter": not policies.is_applicant(request.user, bundle),
        "bundle": bundle,
        "status_label": BundleStatus(bundle.status).label,
        "channel_label": _channel_label(bundle),
        "versions": versions,
        "fields": form_fields(merged.fields, bundle.form_data, {}),
        "materials": materials,
        "parts": parts,
        "is_draft": is_draft,
        "may_edit": is_draft and policies.may_work_on(request.user, bundle),
        "may_submit": is_draft and policies.may_submit(request.user, bundle),
        "may_withdraw": policies.is_applicant(request.user, bundle)
        and services.bundle_is_withdrawable(bundle),
        "reason_max_length": WITHDRAWAL_REASON_MAX_LENGTH,
        "upload_limit_mb": upload_max_bytes() // (1024 * 1024),
        **urls,
        **extra,
    }


@login_required
def mine(request):
    bundles = selectors.bundle_list_for_applicant(user=request.user)
    for bundle in bundles:
        bundle.status_label = BundleStatus(bundle.status).label
    return render(request, "bundles/mine.html", {"bundles": bundles})


@login_required
@require_http_methods(["GET", "POST"])
def start(request, code: str):
    event = _event_or_404(code)
    versions = services.bundle_versions(event)
    person = account_selectors.person_for_user(user=request.user)
    representations = (
        list(account_selectors.representations_for_person(person=person)) if person else []
    )
    error = None
    if request.method == "POST":
        try:
            bundle = services.bundle_start(
                actor=request.user,
                life_event=event,
                uscc=request.POST.get("uscc", ""),
                is_joint=request.POST.get("is_joint") == "on",
                channel=Channel.MOBILE
                if request.POST.get("channel") == "mobile"
                else Channel.ONLINE,
                request=request,
            )
        except DomainError as refused:
            error = refused
        else:
            return redirect("bundles:form", number=bundle.number)
    merged = merge_forms(versions)
    asked = sum(len(v.form_schema or []) for v in versions)
    return render(
        request,
        "bundles/start.html",
        {
            "event": event,
            "versions": versions,
            "representations": representations,
            "error": error,
            "merged_count": len(merged.fields),
            "asked_count": asked,
            "material_count": len(merge_materials(versions)),
        },
        status=error.status if error else 200,
    )


@login_required
def detail(request, number: str):
    bundle = _get(request, number, "portal bundle page")
    if request.user.user_type == "staff":
        return redirect("bundlework:detail", number=number)
    return render(request, "bundles/detail.html", _context(request, bundle))


def _form_page(request, number: str, *, side: str):
    """The merged form of a draft, for the applicant (portal) or the intake clerk (workbench)."""
    bundle = _get(request, number, f"{side} bundle form")
    merged = merge_forms(services.bundle_versions(bundle.life_event))
    values, errors, error, status = bundle.form_data, {}, None, 200
    if request.method == "POST":
        values = {f["name"]: request.POST.get(f["name"], "") for f in merged.fields}
        try:
            services.bundle_form_save(
                actor=request.user, bundle=bundle, data=values, request=request
            )
        except DomainError as refused:
            error, status = refused, refused.status
            errors = refused.detail if isinstance(refused.detail, dict) else {}
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{NAMESPACE[side]}:detail", number=bundle.number)
    context = {
        "bundle": bundle,
        "fields": form_fields(merged.fields, values, errors),
        "error": error,
    }
    if side == "workbench":
        return _wb(request, "bundles/wb_form.html", context, status=status)
    return render(request, "bundles/form.html", context, status=status)


NAMESPACE = {"portal": "bundles", "workbench": "bundlework"}


@login_required
@require_http_methods(["GET", "POST"])
def fill_form(request, number: str):
    return _form_page(request, number, side="portal")


def _refused(request, bundle, error, *, side: str = "portal", **extra):
    """Show the bundle again with the reason of a refusal and its 4xx status."""
    bundle = selectors.bundle_get(
        user=request.user, number=bundle.number, purpose=f"{side} bundle page"
    )
    if side == "workbench":
        context = _context(request, bundle, urls=WORKBENCH_URLS, error=error, **extra)
        return _wb(request, "bundles/wb_detail.html", context, status=error.status)
    context = _context(request, bundle, error=error, **extra)
    return render(request, "bundles/detail.html", context, status=error.status)


def _upload(request, number: str, *, side: str):
    bundle = _get(request, number, f"{side} bundle upload")
    uploaded = request.FILES.get("file")
    try:
        if uploaded is None:
            raise DomainError("bundles.upload_missing", _("Choose a file to upload."), status=400)
        services.bundle_material_upload(
            actor=request.user,
            bundle=bundle,
            material_key=request.POST.get("material", ""),
            uploaded_file=uploaded,
            request=request,
        )
    except DomainError as refused:
        return _refused(request, bundle, refused, side=side)
    messages.success(request, _("The file was uploaded."))
    return redirect(f"{NAMESPACE[side]}:detail", number=number)


def _submit(request, number: str, *, side: str):
    bundle = _get(request, number, f"{side} bundle submit")
    try:
        services.bundle_submit(
            actor=request.user,
            bundle=bundle,
            request=request,
            consent=request.POST.get("consent") == "yes",
        )
    except DomainError as refused:
        return _refused(request, bundle, refused, side=side)
    messages.success(request, _("Your applications were submitted."))
    return redirect(f"{NAMESPACE[side]}:detail", number=number)


@login_required
@require_POST
def upload(request, number: str):
    return _upload(request, number, side="portal")


@login_required
@require_POST
def submit(request, number: str):
    return _submit(request, number, side="portal")


@login_required
@require_POST
def withdraw(request, number: str):
    """The applicant withdraws the whole bundle (撤回) with a reason; a refusal shows the page
    again with the reason typed so far."""
    bundle = _get(request, number, "portal bundle withdraw")
    reason = request.POST.get("reason", "")
    try:
        services.bundle_withdraw(actor=request.user, bundle=bundle, reason=reason, request=request)
    except DomainError as refused:
        return _refused(request, bundle, refused, withdrawal_draft=reason)
    messages.success(request, _("Your life-event bundle was withdrawn."))
    return redirect("bundles:detail", number=number)


# --- workbench -----------------------------------------------------------------------------


def _wb(request, template, context, status=200):
    can = account_policies.has_permission
    return render(
        request,
        template,
        {
            "staff": account_selectors.staff_for_user(user=request.user),
            "can_intake": can(request.user, "cases.intake"),
            "can_supervise": can(request.user, "supervision.view"),
            **context,
        },
        status=status,
    )


def _wb_list(request, *, error=None, values=None):
    """The bundle list, with the counter intake form for clerks who may take bundles in."""
    bundles = selectors.bundle_list_for_staff(user=request.user, request=request)
    for bundle in bundles:
        bundle.status_label = BundleStatus(bundle.status).label
        bundle.channel_label = _channel_label(bundle)
    return _wb(
        request,
        "bundles/wb_list.html",
        {
            "bundles": bundles,
            "life_events": list(life_event_list_public()),
            "error": error,
            "values": values or {},
            "register_next": register_at_window_next(error, reverse("bundlework:list")),
        },
        status=error.status if error else 200,
    )


@staff_required
def wb_list(request):
    return _wb_list(request)


@staff_required
@require_POST
def wb_start(request):
    """Counter intake of a bundle (一窗受理): the clerk finds the person in front of them by ID
    number (an audited lookup, found or not) and starts the bundle for them."""
    if not account_policies.has_permission(request.user, "cases.intake"):
        raise PermissionDenied
    values = {key: request.POST.get(key, "").strip() for key in ("id_number", "life_event", "uscc")}
    person = account_selectors.person_find_by_id_number(
        actor=request.user,
        id_number=values["id_number"],
        purpose="counter bundle intake",
        request=request,
    )
    try:
        if person is None:
            raise DomainError(
                "bundles.applicant_not_found",
                _(
                    "No registered person has this ID number. "
                    "Open an account for them at the window."
                ),
                status=404,
            )
        bundle = services.bundle_start(
            actor=request.user,
            life_event=life_event_get_public(code=values["life_event"]),
            uscc=values["uscc"],
            is_joint=request.POST.get("is_joint") == "on",
            channel=Channel.COUNTER,
            applicant=person.user,
            request=request,
        )
    except DomainError as refused:
        return _wb_list(request, error=refused, values=values)
    return redirect("bundlework:form", number=bundle.number)


@staff_required
def wb_detail(request, number: str):
    bundle = _get(request, number, "workbench bundle page")
    return _wb(request, "bundles/wb_detail.html", _context(request, bundle, urls=WORKBENCH_URLS))


@staff_required
@require_http_methods(["GET", "POST"])
def wb_form(request, number: str):
    return _form_page(request, number, side="workbench")


@staff_required
@require_POST
def wb_upload(request, number: str):
    return _upload(request, number, side="workbench")


@staff_required
@require_POST
def wb_submit(request, number: str):
    return _submit(request, number, side="workbench")
