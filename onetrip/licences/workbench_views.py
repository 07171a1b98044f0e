"""Workbench pages of e-licences (电子证照), mounted at /workbench/licences/ (namespace
"licencework"): the list of the licences of the departments a staff member may see, one
licence with its verification link, PDF and revocation."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onetrip.core import access
from onetrip.core.errors import DomainError, NotFound

from . import documents, policies, selectors, services
from .models import LicenceStatus

# Signed-in staff whose roles show licences; others sign in or get 403.
_staff_who_see_licences = access.signed_in_and(policies.may_view_as_staff)


@_staff_who_see_licences
def wb_list(request):
    status = request.GET.get("status", "")
    if status not in LicenceStatus.values:
        status = ""
    result = selectors.licence_page_for_staff(
        user=request.user,
        status=status,
        type_code=request.GET.get("type", ""),
        query=request.GET.get("q", ""),
        page=request.GET.get("page", 1),
        request=request,
    )
    page = result.page
    return render(
        request,
        "licences/wb_list.html",
        {
            "licences": result.licences,
            "page_obj": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "status": result.status,
            "type_code": result.type_code,
            "query": result.query,
            "statuses": LicenceStatus.choices,
            "types": result.types,
        },
    )


def _staff_licence(request, number: str, *, purpose: str):
    try:
        return selectors.licence_get_for_staff(
            user=request.user, number=number, request=request, purpose=purpose
        )
    except NotFound as error:
        raise Http404(error.message) from error


def _render_detail(request, licence, *, error=None, reason: str = ""):
    url = documents.verify_url(licence)
    context = {
        "licence": licence,
        "status": licence.status(),
        "verify_url": url,
        "qr": documents.qr_svg(url, label=_("QR code that opens the verification page")),
        "can_revoke": policies.may_revoke(request.user, licence.department),
        "error": error,
        "reason": reason,
    }
    return render(
        request, "licences/wb_detail.html", context, status=error.status if error else 200
    )


@_staff_who_see_licences
def wb_detail(request, number: str):
    licence = _staff_licence(request, number, purpose="workbench licence detail")
    return _render_detail(request, licence)


@require_POST
@_staff_who_see_licences
def wb_revoke(request, number: str):
    licence = _staff_licence(request, number, purpose="workbench licence revocation")
    reason = request.POST.get("reason", "")
    try:
        services.licence_revoke(actor=request.user, licence=licence, reason=reason)
    except DomainError as error:
        return _render_detail(request, licence, error=error, reason=reason)
    messages.success(request, _("The licence was revoked."))
    return redirect("licencework:detail", number=licence.number)
