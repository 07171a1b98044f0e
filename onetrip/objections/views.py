"""Pages of data objections: on the portal, "my data" (the records held about me and the legal
persons I represent), the objection form and my objections; in the workbench, the owner
department's objections and the answer. Thin: parse → selector → service → render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onetrip.core import access
from onetrip.core.errors import DomainError, NotFound
from onetrip.core.uploads import stored_file_response, upload_max_bytes
from onetrip.datasets import records
from onetrip.datasets.models import FieldType
from onetrip.datasets.services import can_edit
from onetrip.workdays.selectors import yellow_cutoff

from . import selectors, services
from .models import ObjectionStatus

# The record's key (a citizen ID, a USCC) travels signed, not in clear, in the form's address.
SALT = "onetrip.objections.record"


def record_token(key: str) -> str:
    return signing.dumps(key, salt=SALT, compress=True)


def _key_from(token: str) -> str:
    try:
        return signing.loads(token or "", salt=SALT)
    except signing.BadSignature as error:
        raise Http404 from error


# --- portal ----------------------------------------------------------------------------------


@login_required
def my_data(request):
    views = selectors.my_records(user=request.user, request=request)
    for view in views:
        view.token = record_token(view.key)
    return render(
        request,
        "objections/my_data.html",
        {
            "views": views,
            "credit": selectors.my_credit_records(user=request.user),
            "objections": list(selectors.objections_of_user(user=request.user)[:50]),
            "answer_days": services.answer_days(),
        },
    )


def _form_rows(view, posted=None, problems=None) -> list[dict]:
    """One row per field but the key: its label, value now, the input for the right value
    (a choice for coded fields, a date picker for dates) and its problem if any."""
    labels = records.value_labels(view.dataset)
    types = {f.name: f.field_type for f in view.dataset.fields.all()}
    chosen = set(posted.getlist("fields")) if posted is not None else set()
    rows = []
    for name, label, value in view.rows:
        if name == view.dataset.key_field:
            continue
        rows.append(
            {
                "name": name,
                "label": label,
                "value": value,
                "choices": list(labels.get(name, {}).values()),
                "input_type": "date" if types.get(name) == FieldType.DATE else "text",
                "checked": name in chosen,
                "proposed": posted.get(f"value_{name}", "") if posted is not None else "",
                "problem": (problems or {}).get(name, ""),
            }
        )
    return rows


def _render_form(request, view, token, *, error=None, status=200):
    problems = (error.detail or {}).get("fields", {}) if error is not None else {}
    posted = request.POST if request.method == "POST" else None
    return render(
        request,
        "objections/form.html",
        {
            "view": view,
            "token": token,
            "rows": _form_rows(view, posted, problems),
            "error": error,
            "statement": posted.get("statement", "") if posted is not None else "",
            "phone": posted.get("phone", "") if posted is not None else request.user.phone or "",
            "answer_days": services.answer_days(),
            "upload_limit_mb": upload_max_bytes() // (1024 * 1024),
        },
        status=status,
    )


@login_required
def object_form(request, code: str):
    token = request.GET.get("for") or request.POST.get("for", "")
    key = _key_from(token)
    try:
        view = selectors.record_for_objection(
            user=request.user, code=code, key=key, request=request
        )
    except NotFound as error:
        raise Http404(error.message) from error
    if request.method != "POST":
        return _render_form(request, view, token)
    proposed = {
        name: request.POST.get(f"value_{name}", "") for name in request.POST.getlist("fields")
    }
    try:
        objection = services.objection_file(
            actor=request.user,
            dataset=view.dataset,
            key=key,
            proposed=proposed,
            statement=request.POST.get("statement", ""),
            phone=request.POST.get("phone", ""),
            evidence=request.FILES.getlist("evidence"),
            request=request,
        )
    except DomainError as error:
        return _render_form(request, view, token, error=error, status=error.status)
    messages.success(
        request,
        _("Your objection %(number)s was sent to %(department)s.")
        % {"number": objection.number, "department": objection.owner.name},
    )
    return redirect("objections:detail", public_id=objection.public_id)


@login_required
def credit_object_form(request, public_id):
    """The objection form for one credit record: why it is wrong, with evidence."""
    try:
        view = selectors.credit_record_for_objection(
            user=request.user, public_id=public_id, request=request
        )
    except NotFound as error:
        raise Http404(error.message) from error
    error = None
    if request.method == "POST":
        try:
            objection = services.objection_file_credit(
                actor=request.user,
                record=view.record,
                statement=request.POST.get("statement", ""),
                phone=request.POST.get("phone", ""),
                evidence=request.FILES.getlist("evidence"),
                request=request,
            )
        except DomainError as refused:
            error = refused
        else:
            messages.success(
                request,
                _("Your objection %(number)s was sent to %(department)s.")
                % {"number": objection.number, "department": objection.owner.name},
            )
            return redirect("objections:detail", public_id=objection.public_id)
    posted = request.POST if request.method == "POST" else {}
    return render(
        request,
        "objections/credit_form.html",
        {
            "view": view,
            "error": error,
            "statement": posted.get("statement", ""),
            "phone": posted.get("phone", request.user.phone or ""),
            "answer_days": services.answer_days(),
            "upload_limit_mb": upload_max_bytes() // (1024 * 1024),
        },
        status=error.status if error else 200,
    )


def _mine(request, public_id):
    try:
        return selectors.objection_get_for_filer(user=request.user, public_id=public_id)
    except NotFound as error:
        raise Http404(error.message) from error


@login_required
def objection_detail(request, public_id):
    objection = _mine(request, public_id)
    return render(
        request,
        "objections/detail.html",
        {"objection": objection, "colour": selectors.objection_colour(objection)},
    )


@login_required
@require_POST
def objection_withdraw(request, public_id):
    objection = _mine(request, public_id)
    try:
        services.objection_withdraw(actor=request.user, objection=objection, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your objection was withdrawn."))
    return redirect("objections:detail", public_id=public_id)


@login_required
@require_POST
def objection_supply(request, public_id):
    """The person sends the further material the department asked for."""
    objection = _mine(request, public_id)
    try:
        services.objection_supply_more(
            actor=request.user,
            objection=objection,
            note=request.POST.get("more_note", ""),
            evidence=request.FILES.getlist("more_evidence"),
            request=request,
        )
    except DomainError as error:
        objection.refresh_from_db()
        return render(
            request,
            "objections/detail.html",
            {
                "objection": objection,
                "colour": selectors.objection_colour(objection),
                "error": error,
                "more_note": request.POST.get("more_note", ""),
            },
            status=error.status,
        )
    messages.success(request, _("Your further material was sent."))
    return redirect("objections:detail", public_id=public_id)


@login_required
def evidence_file(request, public_id, evidence_id: int):
    """Evidence, to the person who filed it, the owner's data officers and supervisors only;
    each download is audited."""
    try:
        stored = selectors.evidence_get(
            user=request.user, public_id=public_id, evidence_id=evidence_id, request=request
        )
    except NotFound as error:
        raise Http404(error.message) from error
    return stored_file_response(stored)


# --- workbench -------------------------------------------------------------------------------


# Data officers of a department (who answer objections to its datasets) and supervisors (who
# follow every department's).
officer_required = access.signed_in_and(
    lambda user: selectors.is_officer(user) or selectors.may_oversee(user)
)


@officer_required
def work_list(request):
    status = request.GET.get("status", ObjectionStatus.OPEN)
    status = status if status in ObjectionStatus.values or status == "all" else ObjectionStatus.OPEN
    objections = selectors.objections_for_officer(
        user=request.user, status="" if status == "all" else status
    ).order_by("due_on" if status == ObjectionStatus.OPEN else "-filed_at")[:200]
    today = timezone.localdate()
    cutoff = yellow_cutoff(today)
    rows = [(o, selectors.objection_colour(o, today=today, cutoff=cutoff)) for o in objections]
    return render(
        request,
        "objections/wb_list.html",
        {
            "rows": rows,
            "status": status,
            "statuses": ObjectionStatus.choices,
            "counts": selectors.queue_counts(user=request.user),
            "oversee": selectors.may_oversee(request.user),
            "figures": selectors.figures_by_department(user=request.user),
        },
    )


def _work_context(request, objection, *, error=None) -> dict:
    """The objection, and while it is open one row per field in question: what the record says
    now, what the person says, and the value to write (what was posted after a refusal)."""
    rows = []
    is_credit = objection.credit_record_id is not None
    if objection.is_open:
        now = selectors.record_now(objection=objection)
        posted = request.POST if error is not None else {}
        rows = [
            {
                **item,
                "now": now.get(item["name"], ""),
                "value": posted.get(f"value_{item['name']}", item["proposed"]),
            }
            for item in objection.items
        ]
    return {
        "objection": objection,
        "colour": selectors.objection_colour(objection),
        "rows": rows,
        "is_credit": is_credit,
        "correctable": not is_credit and records.record_correctable(objection.dataset),
        "may_answer": can_edit(request.user, objection.owner),
        "error": error,
        "note": request.POST.get("note", "") if error is not None else "",
    }


def _for_officer(request, public_id):
    try:
        return selectors.objection_get_for_officer(
            user=request.user, public_id=public_id, request=request
        )
    except NotFound as error:
        raise Http404(error.message) from error


@officer_required
def work_detail(request, public_id):
    objection = _for_officer(request, public_id)
    return render(request, "objections/wb_detail.html", _work_context(request, objection))


@require_POST
@officer_required
def work_decide(request, public_id):
    objection = _for_officer(request, public_id)
    upheld = request.POST.get("decision") == "uphold"
    values = {
        item["name"]: request.POST[f"value_{item['name']}"]
        for item in objection.items
        if f"value_{item['name']}" in request.POST
    }
    try:
        services.objection_decide(
            actor=request.user,
            objection=objection,
            upheld=upheld,
            note=request.POST.get("note", ""),
            values=values if upheld else None,
            request=request,
        )
    except DomainError as error:
        return render(
            request,
            "objections/wb_detail.html",
            _work_context(request, objection, error=error),
            status=error.status,
        )
    messages.success(
        request, _("The record was corrected.") if upheld else _("The answer was sent.")
    )
    return redirect("objectionswork:detail", public_id=public_id)


@require_POST
@officer_required
def work_request_more(request, public_id):
    objection = _for_officer(request, public_id)
    try:
        services.objection_request_more(
            actor=request.user,
            objection=objection,
            note=request.POST.get("request_note", ""),
            request=request,
        )
    except DomainError as error:
        context = _work_context(request, objection, error=error)
        context["request_note"] = request.POST.get("request_note", "")
        return render(request, "objections/wb_detail.html", context, status=error.status)
    messages.success(request, _("The person was asked for further material."))
    return redirect("objectionswork:detail", public_id=public_id)
