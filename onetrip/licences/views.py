"""Pages: the public verification page (what the QR code opens), the holder's wallet (卡包),
share links and the printable PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onetrip.core.errors import DomainError, NotFound

from . import documents, selectors, services


def verify_page(request, number: str):
    """Public: says in large type whether the licence is valid, revoked or expired, after the
    server has checked its signature with the department's published key."""
    try:
        licence = selectors.licence_get_public(number, request=request)
    except NotFound:
        return render(request, "licences/verify.html", {"number": number}, status=404)
    verification = selectors.licence_verification(licence)
    return render(
        request,
        "licences/verify.html",
        {"number": number, "licence": licence, "v": verification},
    )


def _holder_licence(request, number: str, purpose: str = "holder's wallet"):
    try:
        return selectors.licence_get_for_holder(
            user=request.user, number=number, request=request, purpose=purpose
        )
    except NotFound as error:
        raise Http404(error.message) from error


@login_required
def wallet(request):
    licences = selectors.licence_list_for_holder(user=request.user, request=request)
    own = [lic for lic in licences if lic.holder_type == "person"]
    legal = [lic for lic in licences if lic.holder_type == "legal"]
    return render(request, "licences/wallet.html", {"own": own, "legal": legal})


def _detail_context(licence, *, share_url: str = "", share_expires=None):
    url = documents.verify_url(licence)
    return {
        "licence": licence,
        "status": licence.status(),
        "verify_url": url,
        "qr": documents.qr_svg(url, label=_("QR code that opens the verification page")),
        "share_url": share_url,
        "share_expires": share_expires,
    }


@login_required
def wallet_detail(request, number: str):
    licence = _holder_licence(request, number)
    return render(request, "licences/detail.html", _detail_context(licence))


@login_required
@require_POST
def wallet_share(request, number: str):
    licence = _holder_licence(request, number, purpose="holder shares a licence")
    try:
        share, token = services.licence_share_create(
            actor=request.user, licence=licence, request=request
        )
    except DomainError as error:
        messages.error(request, error.message)
        return render(request, "licences/detail.html", _detail_context(licence), status=409)
    share_url = request.build_absolute_uri(reverse("licences:shared", args=[token]))
    return render(
        request,
        "licences/detail.html",
        _detail_context(licence, share_url=share_url, share_expires=share.expires_at),
    )


def shared(request, token: str):
    """Whoever has the link sees the licence read-only until the link expires."""
    try:
        licence, share = selectors.licence_get_shared(token=token, request=request)
    except NotFound:
        return render(request, "licences/shared.html", {"expired": True}, status=404)
    url = documents.verify_url(licence)
    return render(
        request,
        "licences/shared.html",
        {
            "licence": licence,
            "share": share,
            "status": licence.status(),
            "verify_url": url,
            "qr": documents.qr_svg(url, label=_("QR code that opens the verification page")),
        },
    )


@login_required
def licence_pdf(request, number: str):
    try:
        licence = selectors.licence_get_for_print(user=request.user, number=number, request=request)
    except NotFound as error:
        raise Http404(error.message) from error
    response = HttpResponse(documents.licence_pdf(licence), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{licence.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
