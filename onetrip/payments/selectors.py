"""Reads of public payment. Orders name their payer: every read of one by staff is audited."""

import datetime

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from onetrip.core import audit
from onetrip.core.errors import NotFound

from . import policies
from .models import OrderStatus, PaymentOrder, Reconciliation


def _with_related(queryset):
    return queryset.select_related("department", "created_by")


def orders_for_reference(reference: str) -> list[PaymentOrder]:
    """Every order issued for one thing (a case), the newest first."""
    return list(_with_related(PaymentOrder.objects.filter(reference=reference)).order_by("-pk"))


def unpaid_for_reference(reference: str) -> PaymentOrder | None:
    return PaymentOrder.objects.filter(reference=reference, status=OrderStatus.UNPAID).first()


def orders_for_payer(*, user):
    return _with_related(PaymentOrder.objects.filter(payer=user)).order_by("-pk")


def order_get_for_payer(*, user, public_id) -> PaymentOrder:
    order = orders_for_payer(user=user).filter(public_id=public_id).first()
    if order is None:
        raise NotFound("payments.not_found", _("No such payment order."))
    return order


def orders_for_staff(*, user):
    """Every order for the finance bureau; the orders of the departments in a collector's
    scope; none for others."""
    if policies.sees_all(user):
        return _with_related(PaymentOrder.objects.all())
    ids = policies.department_ids_collected_by(user)
    if ids is None:
        return _with_related(PaymentOrder.objects.all())
    return _with_related(PaymentOrder.objects.filter(department_id__in=ids))


def orders_filtered(
    queryset,
    *,
    status: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    q: str = "",
):
    """The staff list's filters: status, the issue (or, for paid orders, payment) dates, and a
    payment code, receipt number or reference."""
    if status in OrderStatus.values:
        queryset = queryset.filter(status=status)
    dated = "paid_at" if status == OrderStatus.PAID else "created_at"
    if since:
        queryset = queryset.filter(**{f"{dated}__date__gte": since})
    if until:
        queryset = queryset.filter(**{f"{dated}__date__lte": until})
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(
            Q(code=q) | Q(receipt_number=q) | Q(reference__endswith=q) | Q(transaction_id=q)
        )
    return queryset.order_by(f"-{dated}", "-pk")


def totals(queryset) -> dict:
    """Count and amount (fen) per status, and the paid amount per channel."""
    by_status = {
        row["status"]: row
        for row in queryset.order_by().values("status").annotate(n=Count("pk"), fen=Sum("amount"))
    }
    by_channel = {
        row["channel"]: row["fen"] or 0
        for row in queryset.filter(status=OrderStatus.PAID)
        .order_by()
        .values("channel")
        .annotate(fen=Sum("amount"))
    }
    return {
        status: {
            "n": by_status.get(status, {}).get("n", 0),
            "fen": by_status.get(status, {}).get("fen") or 0,
        }
        for status in OrderStatus.values
    } | {"channels": by_channel}


def order_get_for_staff(*, user, public_id, request=None) -> PaymentOrder:
    order = orders_for_staff(user=user).filter(public_id=public_id).first()
    if order is None:
        raise NotFound("payments.not_found", _("No such payment order."))
    audit.record(
        actor=user,
        action="payments.order.read",
        target=order,
        subject_type=order.payer_type,
        subject_id=order.payer_number,
        request=request,
    )
    return order


def is_overdue(order: PaymentOrder, today: datetime.date | None = None) -> bool:
    return order.status == OrderStatus.UNPAID and order.due_on < (today or timezone.localdate())


def reconciliations(limit: int = 60) -> list[Reconciliation]:
    return list(Reconciliation.objects.order_by("-day", "gateway")[:limit])


def reconciliation_get(pk: int) -> Reconciliation:
    run = Reconciliation.objects.filter(pk=pk).first()
    if run is None:
        raise NotFound("payments.reconciliation_not_found", _("No such reconciliation."))
    return run


def unpaid_counts(*, user) -> dict:
    """The orders in the user's sight that wait for payment, and those past their date."""
    if not policies.may_see_orders(user):
        return {"unpaid": 0, "overdue": 0}
    unpaid = orders_for_staff(user=user).filter(status=OrderStatus.UNPAID)
    return {
        "unpaid": unpaid.count(),
        "overdue": unpaid.filter(due_on__lt=timezone.localdate()).count(),
    }


def differences_open(days: int = 90) -> int:
    """Differences of the last `days` days' reconciliations that nobody has handled yet."""
    since = timezone.localdate() - datetime.timedelta(days=days)
    runs = Reconciliation.objects.filter(day__gte=since).exclude(differences=[])
    return sum(1 for run in runs for d in run.differences if not d.get("handled"))
