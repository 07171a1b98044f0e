"""REST endpoints of public payment: the gateway's signed notification of a payment, and the
orders a payer (or a department's staff and the finance bureau) may see."""

import datetime
import uuid

from django.utils.translation import gettext as _
from ninja import Router, Schema

from onetrip.core.errors import NotFound
from onetrip.identity.api_auth import bearer_or_session

from . import gateway as gateways
from . import policies, selectors, services
from .models import OrderStatus, PaymentOrder

router = Router(tags=["public payment"], auth=bearer_or_session)


class ItemOut(Schema):
    name: str
    amount: int


class OrderOut(Schema):
    id: str
    code: str
    department: str
    purpose: str
    items: list[ItemOut]
    amount: int
    amount_yuan: str
    status: str
    status_label: str
    due_on: datetime.date
    overdue: bool
    created_at: datetime.datetime
    paid_at: datetime.datetime | None
    channel: str
    receipt_number: str


class NotifyOut(Schema):
    result: str
    code: str
    receipt_number: str


def _out(order: PaymentOrder) -> dict:
    return {
        "id": str(order.public_id),
        "code": order.code,
        "department": order.department.name,
        "purpose": order.purpose,
        "items": order.items,
        "amount": order.amount,
        "amount_yuan": order.yuan,
        "status": order.status,
        "status_label": str(OrderStatus(order.status).label),
        "due_on": order.due_on,
        "overdue": selectors.is_overdue(order),
        "created_at": order.created_at,
        "paid_at": order.paid_at,
        "channel": order.channel,
        "receipt_number": order.receipt_number or "",
    }


@router.post("payments/notify/{gateway}", response=NotifyOut, auth=None)
def payment_notify(request, gateway: str):
    """The payment gateway's notification that it collected a payment: a JSON body
    `{"code", "transaction_id", "amount" (fen), "paid_at" (ISO 8601 with offset)}`, signed
    with HMAC-SM3 over the raw body in the `X-Payment-Signature` header (hex). Answers 200 once
    the order is marked paid, and again for a repeated notification. 401
    `payments.bad_signature`; 422 `payments.bad_notification`; 404 `payments.order_not_found`;
    409 `payments.paid_twice` / `payments.cancelled` and 422 `payments.amount_mismatch` for
    money to refund (nothing changes; the day's reconciliation lists it)."""
    order = services.notification_receive(
        gateway_name=gateway,
        body=request.body,
        signature=request.headers.get(gateways.SIGNATURE_HEADER, ""),
        request=request,
    )
    return {"result": "ok", "code": order.code, "receipt_number": order.receipt_number or ""}


@router.get("payments", response=list[OrderOut])
def payments_list(request, status: str = ""):
    """Staff: the orders of the departments they collect for (the finance bureau: every
    order); everyone else: the orders they are to pay. `status`: unpaid, paid or cancelled."""
    if request.user.user_type == "staff" and policies.may_see_orders(request.user):
        rows = selectors.orders_for_staff(user=request.user).order_by("-pk")
    else:
        rows = selectors.orders_for_payer(user=request.user)
    if status:
        rows = rows.filter(status=status)
    return [_out(o) for o in rows[:200]]


@router.get("payments/{public_id}", response=OrderOut)
def payment_get(request, public_id: str):
    """One order: the payer's own, or (audited) one of a department the caller collects for."""
    try:
        key = uuid.UUID(public_id)
    except ValueError as error:
        raise NotFound("payments.not_found", _("No such payment order.")) from error
    order = selectors.orders_for_payer(user=request.user).filter(public_id=key).first()
    if order is None:
        order = selectors.order_get_for_staff(user=request.user, public_id=key, request=request)
    return _out(order)
