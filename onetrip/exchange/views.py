"""Pages of the exchange: the workbench (requests to approve, the department's own grants,
usage of its data) and the portal's right-to-know page (/me/data-access/)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onetrip.accounts import policies
from onetrip.core import access
from onetrip.core.errors import DomainError, NotFound
from onetrip.datasets.models import Dataset, SharingClass

from . import selectors, services


def _staff_with(*permissions):
    return access.signed_in_and(
        lambda user: (
            access.is_staff(user) and bool(policies.permissions_of(user).intersection(permissions))
        )
    )


def _page_context(request, **extra) -> dict:
    user = request.user
    can_approve = policies.has_permission(user, "exchange.approve")
    can_request = policies.has_permission(user, "exchange.request")
    context = {"can_approve": can_approve, "can_request": can_request, **extra}
    if can_approve:
        context["pending"] = list(selectors.grants_pending_for_owner(user=user))
        context["decided"] = list(selectors.grants_for_owner(user=user)[:50])
    if can_request:
        context["clients"] = list(selectors.clients_of_department(user=user))
        context["own_grants"] = list(selectors.grants_of_department(user=user)[:50])
        context["datasets"] = list(
            Dataset.objects.filter(is_active=True)
            .exclude(sharing_class=SharingClass.NOT_SHARED)
            .order_by("code")
        )
    return context


@_staff_with("exchange.approve", "exchange.request")
def grants_page(request):
    return render(request, "exchange/wb_grants.html", _page_context(request))


@require_POST
@_staff_with("exchange.approve")
def grant_decide(request, public_id):
    try:
        grant = selectors.grant_get_for_owner(user=request.user, public_id=public_id)
        approve = request.POST.get("decision") == "approve"
        services.grant_decide(
            actor=request.user,
            grant=grant,
            approve=approve,
            reason=request.POST.get("reason", ""),
            request=request,
        )
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        return render(
            request,
            "exchange/wb_grants.html",
            _page_context(request, error=error),
            status=error.status,
        )
    messages.success(request, _("The request was approved.") if approve else _("Refused."))
    return redirect("exchangework:grants")


@require_POST
@_staff_with("exchange.approve", "exchange.request")
def grant_revoke(request, public_id):
    user = request.user
    grant = None
    if policies.has_permission(user, "exchange.approve"):
        try:
            grant = selectors.grant_get_for_owner(user=user, public_id=public_id)
        except NotFound:
            grant = None
    if grant is None and policies.has_permission(user, "exchange.request"):
        try:
            grant = selectors.grant_get_for_department(user=user, public_id=public_id)
        except NotFound as error:
            raise Http404(error.message) from error
    if grant is None:
        raise Http404
    services.grant_revoke(
        actor=user, grant=grant, reason=request.POST.get("reason", ""), request=request
    )
    messages.success(request, _("The grant was revoked."))
    return redirect("exchangework:grants")


@require_POST
@_staff_with("exchange.request")
def grant_ask(request):
    user = request.user
    client = (
        selectors.clients_of_department(user=user)
        .filter(public_id=request.POST.get("client") or None)
        .first()
        if _uuid_like(request.POST.get("client"))
        else None
    )
    dataset = Dataset.objects.filter(code=request.POST.get("dataset", "")).first()
    try:
        if client is None or dataset is None:
            raise DomainError(
                "exchange.choose_client_dataset", _("Choose one of your systems and a dataset.")
            )
        days = request.POST.get("days", "365")
        services.grant_request(
            actor=user,
            client=client,
            dataset=dataset,
            fields=request.POST.getlist("fields") or _csv(request.POST.get("field_list", "")),
            clear_fields=request.POST.getlist("clear_fields"),
            purpose=request.POST.get("purpose", ""),
            legal_basis=request.POST.get("legal_basis", ""),
            days=int(days) if days.isdigit() else 0,
            request=request,
        )
    except DomainError as error:
        return render(
            request,
            "exchange/wb_grants.html",
            _page_context(request, error=error),
            status=error.status,
        )
    messages.success(request, _("The request was sent."))
    return redirect("exchangework:grants")


def _csv(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]


def _uuid_like(value) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@_staff_with("exchange.approve")
def usage_page(request):
    return render(
        request,
        "exchange/wb_usage.html",
        {
            "totals": selectors.usage_totals_for_owner(user=request.user),
            "rows": selectors.usage_for_owner(user=request.user),
        },
    )


@login_required
def data_access(request):
    """The right to know: who read my data, when and why."""
    page = request.GET.get("page", "1")
    try:
        page_obj, rows = selectors.data_access_for_person(
            user=request.user, page=int(page) if page.isdigit() else 1, request=request
        )
    except DomainError as error:
        raise DjangoPermissionDenied(error.message) from error
    return render(request, "exchange/data_access.html", {"page_obj": page_obj, "rows": rows})
