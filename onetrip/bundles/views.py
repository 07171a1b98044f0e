"""Bundle pages: the portal side (/bundles/, phone first: start from a life event, one merged
form, uploads, submit, the parts' statuses) and the workbench side (/workbench/bundles/: the
bundle view for clerks). Thin: parse → selector → service → render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from onetrip.accounts import policies as account_policies
from onetrip.accounts import selectors as account_selectors
from onetrip.cases.models import Channel
from onetrip.cases.policies import staff_may_see
from onetrip.cases.services import upload_max_bytes
from onetrip.cases.views import form_fields, staff_required
from onetrip.catalogue.selectors import life_event_get_public
from onetrip.core.errors import DomainError, NotFound

from . import selectors, services
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


def _context(request, bundle, **extra) -> dict:
    versions = services.bundle_versions(bundle.life_event)
    merged = merge_forms(versions)
    uploads = services.newest_uploads(bundle)
    materials = [{"material": m, "upload": uploads.get(m.name)} for m in merge_materials(versions)]
    parts = [
        {"part": p, "case": p.application, "open": staff_may_see(request.user, p.application)}
        for p in bundle.parts.all()
    ]
    return {
        "bundle": bundle,
        "status_label": BundleStatus(bundle.status).label,
        "versions": versions,
        "fields": form_fields(merged.fields, bundle.form_data, {}),
        "materials": materials,
        "parts": parts,
        "is_draft": bundle.submitted_at is None,
        "upload_limit_mb": upload_max_bytes() // (1024 * 1024),
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


@login_required
@require_http_methods(["GET", "POST"])
def fill_form(request, number: str):
    bundle = _get(request, number, "portal bundle form")
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
            return redirect("bundles:detail", number=bundle.number)
    return render(
        request,
        "bundles/form.html",
        {"bundle": bundle, "fields": form_fields(merged.fields, values, errors), "error": error},
        status=status,
    )


def _refused(request, bundle, error):
    bundle.refresh_from_db()
    bundle = selectors.bundle_get(
        user=request.user, number=bundle.number, purpose="portal bundle page"
    )
    return render(
        request, "bundles/detail.html", _context(request, bundle, error=error), status=error.status
    )


@login_required
@require_POST
def upload(request, number: str):
    bundle = _get(request, number, "portal bundle upload")
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
        return _refused(request, bundle, refused)
    messages.success(request, _("The file was uploaded."))
    return redirect("bundles:detail", number=number)


@login_required
@require_POST
def submit(request, number: str):
    bundle = _get(request, number, "portal bundle submit")
    try:
        services.bundle_submit(actor=request.user, bundle=bundle, request=request)
    except DomainError as refused:
        return _refused(request, bundle, refused)
    messages.success(request, _("Your applications were submitted."))
    return redirect("bundles:detail", number=number)


# --- workbench -----------------------------------------------------------------------------


def _wb(request, template, context):
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
    )


@staff_required
def wb_list(request):
    bundles = selectors.bundle_list_for_staff(user=request.user, request=request)
    for bundle in bundles:
        bundle.status_label = BundleStatus(bundle.status).label
    return _wb(request, "bundles/wb_list.html", {"bundles": bundles})


@staff_required
def wb_detail(request, number: str):
    bundle = _get(request, number, "workbench bundle page")
    return _wb(request, "bundles/wb_detail.html", _context(request, bundle))
