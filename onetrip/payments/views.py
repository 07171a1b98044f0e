"""Pages of public payment: the payer's orders and receipts and the way to the gateway; the
sandbox gateway's cashier; in the workbench, the departments' orders (cancel, record a payment
at the window, Excel export) and the finance bureau's daily reconciliation. Thin: parse →
selector → service → render."""

import datetime
import json
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from onetrip.core import access, audit
from onetrip.core.errors import DomainError, NotFound

from . import gateway as gateways
from . import policies, selectors, services, xlsx
from .models import OrderStatus, PaymentOrder, SandboxPayment

PAGE_SIZE = 50


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text or "")
    except ValueError:
        return None


# --- portal ----------------------------------------------------------------------------------


@login_required
def my_payments(request):
    orders = list(selectors.orders_for_payer(user=request.user)[:100])
    return render(request, "payments/my_list.html", {"orders": orders})


def _payer_order(request, public_id) -> PaymentOrder:
    try:
        return selectors.order_get_for_payer(user=request.user, public_id=public_id)
    except NotFound as error:
        raise Http404(error.message) from error


@login_required
def order_detail(request, public_id):
    order = _payer_order(request, public_id)
    return render(
        request,
        "payments/detail.html",
        {
            "order": order,
            "overdue": selectors.is_overdue(order),
            "online": gateways.gateway() is not None,
        },
    )


@login_required
@require_POST
def order_pay(request, public_id):
    """To the gateway's cashier; it brings the payer back to the order."""
    order = _payer_order(request, public_id)
    if order.status != OrderStatus.UNPAID:
        messages.info(request, _("This order is not awaiting payment."))
        return redirect("payments:detail", public_id=order.public_id)
    gateway = gateways.gateway()
    if gateway is None:
        messages.info(request, _("Online payment is not available: pay at the window."))
        return redirect("payments:detail", public_id=order.public_id)
    back = reverse("payments:detail", args=[order.public_id])
    return redirect(gateway.checkout_url(order, back))


# --- the sandbox gateway's cashier -------------------------------------------------------------

SANDBOX_METHODS = (("alipay", "支付宝"), ("wechat", "微信支付"), ("unionpay", "银联云闪付"))


def _sandbox_only():
    if gateways.gateway_name() != gateways.SandboxGateway.name:
        raise Http404


def _safe_return(request, fallback: str) -> str:
    target = request.GET.get("return", "")
    ok = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if ok else fallback


@require_http_methods(["GET", "POST"])
def sandbox_cashier(request, code: str):
    """The sandbox's cashier, standing in for the provincial platform's: whoever holds the code
    may pay (a relative, a company's accountant). Paying records the sandbox's own ledger and
    sends the signed notification through the same check as a real one; "notification lost"
    leaves the order for the night's reconciliation to find."""
    _sandbox_only()
    order = PaymentOrder.objects.select_related("department").filter(code=code).first()
    if order is None:
        raise Http404
    back = _safe_return(request, reverse("portal:home"))
    error = None
    if request.method == "POST":
        method = request.POST.get("method", "")
        if method not in dict(SANDBOX_METHODS) or order.status != OrderStatus.UNPAID:
            error = DomainError(
                "payments.sandbox_refused", _("This order cannot be paid now."), status=409
            )
        else:
            payment = SandboxPayment.objects.create(
                transaction_id=f"SBX{uuid.uuid4().hex[:24].upper()}",
                code=order.code,
                amount=order.amount,
                paid_at=timezone.now(),
                method=method,
            )
            if request.POST.get("lose") != "yes":
                body = json.dumps(
                    {
                        "code": payment.code,
                        "transaction_id": payment.transaction_id,
                        "amount": payment.amount,
                        "paid_at": payment.paid_at.isoformat(),
                    }
                ).encode()
                try:
                    services.notification_receive(
                        gateway_name="sandbox", body=body, signature=gateways.sign(body)
                    )
                except DomainError as refused:
                    error = refused
            if error is None:
                return redirect(back)
    return render(
        request,
        "payments/sandbox.html",
        {"order": order, "methods": SANDBOX_METHODS, "back": back, "error": error},
        status=error.status if error else 200,
    )


# --- workbench -------------------------------------------------------------------------------


def _staff_who(allowed):
    return access.signed_in_and(lambda user: access.is_staff(user) and allowed(user))


_may_see = _staff_who(policies.may_see_orders)


def _filters(request) -> dict:
    status = request.GET.get("status", "")
    return {
        "status": status if status in OrderStatus.values else "",
        "since": _date(request.GET.get("since", "")),
        "until": _date(request.GET.get("until", "")),
        "q": request.GET.get("q", "").strip()[:64],
    }


@_may_see
def work_list(request):
    filters = _filters(request)
    orders = selectors.orders_filtered(selectors.orders_for_staff(user=request.user), **filters)
    if request.GET.get("format") == "xlsx":
        return _export(request, orders, filters)
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(
        request,
        "payments/wb_list.html",
        {
            "page_obj": page,
            "rows": [(o, selectors.is_overdue(o, today)) for o in page.object_list],
            "filters": filters,
            "statuses": OrderStatus.choices,
            "totals": selectors.totals(orders),
            "sees_all": policies.sees_all(request.user),
            "may_reconcile": policies.may_reconcile(request.user),
            "query": _query_without(request, "page", "format"),
        },
    )


def _query_without(request, *names) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _export(request, orders, filters) -> HttpResponse:
    rows = list(orders[: xlsx.MAX_ROWS + 1])
    if len(rows) > xlsx.MAX_ROWS:
        messages.error(
            request,
            _("More than %(n)d orders: narrow the dates.") % {"n": xlsx.MAX_ROWS},
        )
        return redirect(reverse("paymentwork:list") + "?" + _query_without(request, "format"))
    audit.record(
        actor=request.user,
        action="payments.orders.export",
        request=request,
        detail={
            "rows": len(rows),
            **{k: str(v) for k, v in filters.items() if v},
        },
    )
    response = HttpResponse(xlsx.orders_workbook(rows), content_type=xlsx.CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="payment-orders.xlsx"'
    return response


def _work_detail(request, order, *, error=None):
    return render(
        request,
        "payments/wb_detail.html",
        {
            "order": order,
            "overdue": selectors.is_overdue(order),
            "may_collect": policies.may_collect_for(request.user, order.department_id),
            "error": error,
        },
        status=error.status if error else 200,
    )


def _staff_order(request, public_id) -> PaymentOrder:
    try:
        return selectors.order_get_for_staff(
            user=request.user, public_id=public_id, request=request
        )
    except NotFound as error:
        raise Http404(error.message) from error


@_may_see
def work_detail(request, public_id):
    return _work_detail(request, _staff_order(request, public_id))


WORK_ACTIONS = {
    "cancel": (
        lambda r, o: services.order_cancel(
            actor=r.user, order=o, reason=r.POST.get("reason", ""), request=r
        ),
        gettext_lazy("The order was cancelled."),
    ),
    "counter": (
        lambda r, o: services.counter_payment_record(
            actor=r.user,
            order=o,
            terminal_reference=r.POST.get("terminal_reference", ""),
            request=r,
        ),
        gettext_lazy("The payment at the window was recorded."),
    ),
}


@_may_see
@require_POST
def work_action(request, public_id, action: str):
    if action not in WORK_ACTIONS:
        raise Http404
    order = _staff_order(request, public_id)
    act, done = WORK_ACTIONS[action]
    try:
        act(request, order)
    except DomainError as error:
        order.refresh_from_db()
        return _work_detail(request, order, error=error)
    messages.success(request, done)
    return redirect("paymentwork:detail", public_id=order.public_id)


@_staff_who(policies.may_reconcile)
@require_http_methods(["GET", "POST"])
def reconciliation(request):
    """The daily reconciliations (the periodic run does yesterday's each morning); a finance
    officer may run a day again, after the gateway corrected its statement."""
    error = None
    if request.method == "POST":
        day = _date(request.POST.get("day", ""))
        if day is None or day >= timezone.localdate():
            error = DomainError("payments.invalid_day", _("Choose a past day."), status=422)
        elif gateways.gateway() is None:
            error = DomainError(
                "payments.no_gateway", _("No payment gateway is configured."), status=409
            )
        else:
            run = services.reconcile(day=day, actor=request.user)
            messages.success(
                request,
                _("Reconciled %(day)s: %(n)d differences.")
                % {"day": day.isoformat(), "n": len(run.differences)},
            )
            return redirect("paymentwork:reconciliation")
    return _reconciliation_page(request, error)


def _reconciliation_page(request, error=None):
    return render(
        request,
        "payments/wb_reconciliation.html",
        {
            "runs": selectors.reconciliations(),
            "yesterday": timezone.localdate() - datetime.timedelta(days=1),
            "gateway": gateways.gateway_name(),
            "error": error,
        },
        status=error.status if error else 200,
    )


@_staff_who(policies.may_reconcile)
@require_POST
def difference_handle(request, pk: int, index: int):
    try:
        run = selectors.reconciliation_get(pk)
        services.difference_handle(
            actor=request.user,
            run=run,
            index=index,
            note=request.POST.get("note", ""),
            request=request,
        )
    except DomainError as error:
        if isinstance(error, NotFound):
            raise Http404(error.message) from error
        return _reconciliation_page(request, error)
    messages.success(request, _("The difference is marked as handled."))
    return redirect("paymentwork:reconciliation")
