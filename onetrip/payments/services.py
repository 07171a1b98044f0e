"""Every write of public payment: issuing a payment order, cancelling it, recording a payment at
the window, settling a payment the gateway notifies, and the daily reconciliation. Each is
audited; payers hear of their orders and payments."""

import datetime
import decimal
import json
import re
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum import luhn

from onetrip.accounts import selectors as account_selectors
from onetrip.accounts.models import StaffRole
from onetrip.core import audit
from onetrip.core.errors import DomainError, NotFound, PermissionDenied
from onetrip.notify.services import notification_send

from . import gateway as gateways
from . import policies
from .models import OrderStatus, PayChannel, PaymentOrder, Reconciliation

MAX_ITEMS = 10
NAME_MAX = 100
MAX_FEN = 99_999_999_99  # 99,999,999.99 yuan: more is a typing error, not a fee
REASON_MAX = 200

# The app that charged is told when its order is paid, by the reference's prefix ("case").
_paid_hooks: dict[str, Callable] = {}


def paid_hook_register(prefix: str, hook: Callable) -> None:
    _paid_hooks[prefix] = hook


def payment_days() -> int:
    """Calendar days a payer has to pay an order (shown on the order; later payment is still
    taken, the order is then marked overdue)."""
    return int(getattr(settings, "ONETRIP_PAYMENT_DAYS", 15))


def _invalid(code: str, message: str, status: int = 422, **detail) -> DomainError:
    return DomainError(f"payments.{code}", message, detail=detail, status=status)


AMOUNT = re.compile(r"\d{1,8}(\.\d{1,2})?")


def amount_parse(text) -> int | None:
    """Yuan as typed ("12", "12.5", "12.50", "1,200") to fen; None unless it is a plain
    positive amount with at most two decimals, within MAX_FEN."""
    text = str(text).strip().replace(",", "").replace("，", "")
    if not AMOUNT.fullmatch(text):
        return None
    fen = int(decimal.Decimal(text) * 100)
    return fen if 0 < fen <= MAX_FEN else None


def items_clean(items) -> list[dict]:
    """Fee items [{name, amount in yuan}] → [{name, amount in fen}]; every problem told at once
    (`detail.fields`, keyed `items.<n>.name` / `items.<n>.amount`)."""
    rows = [i for i in (items or []) if str(i.get("name", "")).strip() or str(i.get("amount", ""))]
    if not rows:
        raise _invalid("no_items", _("Enter at least one fee item and its amount."))
    if len(rows) > MAX_ITEMS:
        raise _invalid("too_many_items", _("At most %(n)d fee items.") % {"n": MAX_ITEMS})
    cleaned, problems = [], {}
    for n, item in enumerate(rows):
        name = str(item.get("name", "")).strip()
        fen = amount_parse(item.get("amount", ""))
        if not name or len(name) > NAME_MAX:
            problems[f"items.{n}.name"] = _("Name the fee (at most %(n)d characters).") % {
                "n": NAME_MAX
            }
        if fen is None:
            problems[f"items.{n}.amount"] = _(
                "Enter an amount in yuan greater than zero, with at most two decimals."
            )
        cleaned.append({"name": name, "amount": fen})
    if problems:
        raise _invalid("invalid", _("Check the fee items."), fields=problems)
    if sum(i["amount"] for i in cleaned) > MAX_FEN:
        raise _invalid("too_much", _("The total is more than any fee the platform takes."))
    return cleaned


def payment_code(order: PaymentOrder) -> str:
    """缴款码: the department's region (6 digits), the date (YYMMDD), a serial (7 digits) and a
    Luhn check digit, so that a mistyped code is caught before it is looked up."""
    region = (order.department.region.code or "000000")[:6].ljust(6, "0")
    serial = f"{order.pk % 10**7:07d}"
    body = f"{region}{timezone.localdate():%y%m%d}{serial}"
    return body + luhn.calc_check_digit(body)


def code_valid(code: str) -> bool:
    return len(code) == 20 and code.isdigit() and luhn.is_valid(code)


def _audit(order: PaymentOrder, *, actor, action: str, request=None, **detail) -> None:
    audit.record(
        actor=actor,
        action=f"payments.{action}",
        target=order,
        subject_type=order.payer_type,
        subject_id=order.payer_number,
        request=request,
        detail={"code": order.code, "amount": order.amount, **detail},
    )


def _payer_link(order: PaymentOrder) -> str:
    return reverse("payments:detail", args=[order.public_id])


def _require_collector(actor, department_id: int) -> None:
    if not policies.may_collect_for(actor, department_id):
        raise PermissionDenied(
            "payments.not_collector",
            _("Only the collecting department's staff may do this."),
        )


@transaction.atomic
def order_create(
    *,
    actor,
    department,
    reference: str,
    purpose: str,
    payer_name: str,
    payer_type: str = "",
    payer_number: str = "",
    payer=None,
    items,
    link: str = "",
    staff_link: str = "",
    request=None,
) -> PaymentOrder:
    """Issue a payment order (缴款通知): the payer is told the amount, the code and the date."""
    _require_collector(actor, department.pk)
    cleaned = items_clean(items)
    order = PaymentOrder(
        department=department,
        reference=reference[:64],
        purpose=purpose[:200],
        link=link[:300],
        staff_link=staff_link[:300],
        payer=payer,
        payer_name=payer_name[:200],
        payer_type=payer_type[:10],
        payer_number=payer_number[:32],
        items=cleaned,
        amount=sum(i["amount"] for i in cleaned),
        due_on=timezone.localdate() + datetime.timedelta(days=payment_days()),
        created_by=actor,
    )
    try:
        with transaction.atomic():
            order.save(force_insert=True)
    except IntegrityError as error:
        raise _invalid(
            "already_open",
            _("An order for this is already waiting for payment; cancel it first."),
            status=409,
        ) from error
    order.code = payment_code(order)
    order.save(update_fields=["code"])
    _audit(order, actor=actor, action="order.create", request=request, reference=order.reference)
    if payer is not None:
        _tell_payer(order, _("A fee to pay"))
    return order


def _tell_payer(order: PaymentOrder, title: str) -> None:
    """What to pay, the code to pay it with and by when (in-app and SMS)."""
    notification_send(
        user=order.payer,
        title=title,
        body=_("%(purpose)s: %(amount)s yuan, payment code %(code)s, to pay by %(due)s.")
        % {
            "purpose": order.purpose,
            "amount": order.yuan,
            "code": order.code,
            "due": order.due_on.isoformat(),
        },
        link=_payer_link(order),
    )


def _locked(order: PaymentOrder) -> PaymentOrder:
    return (
        PaymentOrder.objects.select_for_update(of=("self",))
        .select_related("department", "payer")
        .get(pk=order.pk)
    )


@transaction.atomic
def order_cancel(*, actor, order: PaymentOrder, reason: str, request=None) -> PaymentOrder:
    """Cancel an unpaid order (a wrong amount, a fee waived); a new one may then be issued."""
    order = _locked(order)
    _require_collector(actor, order.department_id)
    if order.status != OrderStatus.UNPAID:
        raise _invalid("not_unpaid", _("Only an order awaiting payment can be cancelled."), 409)
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX:
        raise _invalid("reason_needed", _("Give the reason (at most 200 characters)."))
    order.status, order.cancelled_at, order.cancel_reason = (
        OrderStatus.CANCELLED,
        timezone.now(),
        reason,
    )
    order.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    _audit(order, actor=actor, action="order.cancel", request=request, reason=reason)
    if order.payer is not None:
        notification_send(
            user=order.payer,
            title=_("A payment order was cancelled"),
            body=_("%(purpose)s, payment code %(code)s: %(reason)s")
            % {"purpose": order.purpose, "code": order.code, "reason": reason},
            link=_payer_link(order),
        )
    return order


def _receipt_number(order: PaymentOrder) -> str:
    """JK, the day of payment and the order's serial: unique, and readable at the window."""
    return f"JK{timezone.localtime(order.paid_at):%Y%m%d}{order.pk:08d}"


def _mark_paid(order, *, actor, channel, gateway, transaction_id, paid_at, request) -> None:
    order.status, order.channel, order.gateway = OrderStatus.PAID, channel, gateway
    order.transaction_id, order.paid_at = transaction_id, paid_at
    order.receipt_number = _receipt_number(order)
    order.save(
        update_fields=[
            "status",
            "channel",
            "gateway",
            "transaction_id",
            "paid_at",
            "receipt_number",
        ]
    )
    _audit(
        order,
        actor=actor,
        action="order.paid",
        request=request,
        channel=channel,
        transaction_id=transaction_id,
        receipt=order.receipt_number,
    )
    if order.payer is not None:
        notification_send(
            user=order.payer,
            title=_("Payment received"),
            body=_("%(purpose)s: %(amount)s yuan received, receipt number %(receipt)s.")
            % {"purpose": order.purpose, "amount": order.yuan, "receipt": order.receipt_number},
            link=_payer_link(order),
            sms=False,
        )
    hook = _paid_hooks.get(order.reference.partition(":")[0])
    if hook is not None:
        hook(order=order, actor=actor)


@transaction.atomic
def counter_payment_record(
    *, actor, order: PaymentOrder, terminal_reference: str, request=None
) -> PaymentOrder:
    """The payer paid at the window (card terminal): the clerk records the terminal's
    reference number, which is what the bank's statement shows."""
    order = _locked(order)
    _require_collector(actor, order.department_id)
    if order.status != OrderStatus.UNPAID:
        raise _invalid("not_unpaid", _("This order is not awaiting payment."), 409)
    reference = (terminal_reference or "").strip()
    if not reference or len(reference) > 40:
        raise _invalid(
            "terminal_reference_needed",
            _("Enter the card terminal's reference number (at most 40 characters)."),
        )
    used = _invalid("terminal_reference_used", _("This reference number is already recorded."), 409)
    transaction_id = f"counter:{reference}"
    if PaymentOrder.objects.filter(transaction_id=transaction_id).exists():
        raise used
    try:
        with transaction.atomic():  # two clerks typing the same number at once: one wins
            _mark_paid(
                order,
                actor=actor,
                channel=PayChannel.COUNTER,
                gateway="",
                transaction_id=transaction_id,
                paid_at=timezone.now(),
                request=request,
            )
    except IntegrityError as error:
        raise used from error
    return order


# --- the gateway ---------------------------------------------------------------------------

REFUSALS = {
    "order_not_found": (404, gettext_lazy("No order has this payment code.")),
    "paid_twice": (
        409,
        gettext_lazy("This order was already paid with another transaction: refund one."),
    ),
    "cancelled": (409, gettext_lazy("This order was cancelled: refund the payment.")),
    "amount_mismatch": (422, gettext_lazy("The amount paid is not the amount of the order.")),
    "transaction_reused": (409, gettext_lazy("This transaction already paid another order.")),
}


def _refusal(kind: str, **detail) -> DomainError:
    status, message = REFUSALS[kind]
    return DomainError(f"payments.{kind}", str(message), detail=detail, status=status)


def settle(
    *, code: str, transaction_id: str, amount: int, paid_at, gateway: str, actor, request=None
) -> PaymentOrder:
    """A payment the gateway collected: the order is marked paid once, however often the gateway
    repeats itself. A payment that does not fit its order (unknown, paid twice, cancelled, a
    different amount) changes nothing, is audited and refused: it is money to refund, and the
    day's reconciliation lists it."""
    kind = None
    with transaction.atomic():
        order = (
            PaymentOrder.objects.select_for_update(of=("self",))
            .select_related("department", "payer")
            .filter(code=code)
            .first()
        )
        if order is None:
            kind = "order_not_found"
        elif order.status == OrderStatus.PAID:
            if order.transaction_id == transaction_id:
                return order  # the same notification again
            kind = "paid_twice"
        elif order.status == OrderStatus.CANCELLED:
            kind = "cancelled"
        elif order.amount != amount:
            kind = "amount_mismatch"
        elif PaymentOrder.objects.filter(transaction_id=transaction_id).exists():
            kind = "transaction_reused"  # the gateway's mistake: one payment, two orders
        else:
            _mark_paid(
                order,
                actor=actor,
                channel=PayChannel.ONLINE,
                gateway=gateway,
                transaction_id=transaction_id,
                paid_at=paid_at,
                request=request,
            )
            return order
    detail = {"code": code, "transaction_id": transaction_id, "amount": amount}
    audit.record(
        actor=actor, action="payments.refused", request=request, detail={"kind": kind, **detail}
    )
    raise _refusal(kind, **detail)


def _notification_fields(body: bytes) -> dict:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        data = {}
    paid_at = parse_datetime(str(data.get("paid_at", "")))
    fields = {
        "code": str(data.get("code", "")),
        "transaction_id": str(data.get("transaction_id", "")),
        "amount": data.get("amount"),
        "paid_at": paid_at,
    }
    if (
        not code_valid(fields["code"])
        or not 0 < len(fields["transaction_id"]) <= 64
        or fields["transaction_id"].startswith("counter:")
        or type(fields["amount"]) is not int
        or paid_at is None
        or paid_at.tzinfo is None
    ):
        raise _invalid(
            "bad_notification",
            _("The notification needs code, transaction_id, amount (fen) and paid_at."),
        )
    return fields


def notification_receive(
    *, gateway_name: str, body: bytes, signature: str, request=None
) -> PaymentOrder:
    """The gateway's signed notice that a payment was collected (POST /api/v1/payments/notify)."""
    gateway = gateways.gateway()
    if gateway is None or gateway_name != gateway.name:
        raise NotFound("payments.unknown_gateway", _("No such payment gateway."))
    if not gateways.signature_ok(body, signature):
        audit.record(
            actor=f"gateway:{gateway.name}",
            action="payments.bad_signature",
            request=request,
            detail={"bytes": len(body)},
        )
        raise _invalid("bad_signature", _("The notification's signature is not valid."), 401)
    fields = _notification_fields(body)
    return settle(**fields, gateway=gateway.name, actor=f"gateway:{gateway.name}", request=request)


# --- reconciliation ------------------------------------------------------------------------


def _day_bounds(day: datetime.date):
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start, start + datetime.timedelta(days=1)


def finance_officers() -> list:
    return [
        staff.user
        for staff in account_selectors.staff_list()
        if StaffRole.FINANCE_OFFICER in staff.role_set()
    ]


def _difference(kind: str, *, transaction_id: str, code: str, amount: int, ours=None) -> dict:
    return {
        "kind": kind,
        "transaction_id": transaction_id,
        "code": code,
        "amount": amount,
        "our_amount": ours,
    }


def reconcile(*, day: datetime.date, actor=None) -> Reconciliation:
    """Compare the gateway's statement of `day` with the orders paid through it that day. A
    payment the gateway collected whose notification never arrived is settled now (recovered);
    everything else that does not match is a difference for the finance officers, who are told."""
    gateway = gateways.gateway()
    if gateway is None:
        raise _invalid("no_gateway", _("No payment gateway is configured."), 409)
    actor = actor or "reconciliation"
    start, end = _day_bounds(day)
    ours = {
        o.transaction_id: o
        for o in PaymentOrder.objects.filter(
            gateway=gateway.name, channel=PayChannel.ONLINE, paid_at__gte=start, paid_at__lt=end
        )
    }
    matched, matched_amount, recovered, differences = 0, 0, [], []
    for line in gateway.statement(day):
        order = ours.pop(line.transaction_id, None)
        if order is not None and order.amount == line.amount:
            matched, matched_amount = matched + 1, matched_amount + line.amount
            continue
        if order is not None:
            differences.append(
                _difference(
                    "amount_mismatch",
                    transaction_id=line.transaction_id,
                    code=line.code,
                    amount=line.amount,
                    ours=order.amount,
                )
            )
            continue
        try:
            order = settle(
                code=line.code,
                transaction_id=line.transaction_id,
                amount=line.amount,
                paid_at=line.paid_at,
                gateway=gateway.name,
                actor=actor,
            )
        except DomainError as error:
            kind = error.code.partition(".")[2]
            differences.append(
                _difference(
                    kind, transaction_id=line.transaction_id, code=line.code, amount=line.amount
                )
            )
            continue
        matched, matched_amount = matched + 1, matched_amount + line.amount
        if not start <= order.paid_at < end:
            continue  # recorded on another day: matched, nothing recovered
        recovered.append({"transaction_id": line.transaction_id, "code": line.code})
    for transaction_id, order in ours.items():  # recorded here, not on the statement
        differences.append(
            _difference(
                "not_in_statement",
                transaction_id=transaction_id,
                code=order.code,
                amount=0,
                ours=order.amount,
            )
        )
    return _reconciliation_save(
        gateway.name,
        day,
        actor=actor,
        matched=matched,
        matched_amount=matched_amount,
        recovered=recovered,
        differences=differences,
    )


def _keep_handled(gateway_name, day, differences: list[dict]) -> None:
    """A day run again keeps what the finance officers noted on the differences found before."""
    before = Reconciliation.objects.filter(gateway=gateway_name, day=day).first()
    handled = {
        (d["kind"], d["transaction_id"]): d["handled"]
        for d in (before.differences if before else [])
        if d.get("handled")
    }
    for difference in differences:
        kept = handled.get((difference["kind"], difference["transaction_id"]))
        if kept:
            difference["handled"] = kept


@transaction.atomic
def _reconciliation_save(gateway_name, day, *, actor, **figures) -> Reconciliation:
    _keep_handled(gateway_name, day, figures["differences"])
    run, _created = Reconciliation.objects.update_or_create(
        gateway=gateway_name, day=day, defaults=figures
    )
    audit.record(
        actor=actor,
        action="payments.reconcile",
        target=run,
        detail={
            "day": day.isoformat(),
            "matched": run.matched,
            "recovered": len(run.recovered),
            "differences": len(run.differences),
        },
    )
    if any(not d.get("handled") for d in run.differences):
        for user in finance_officers():
            notification_send(
                user=user,
                title=_("Payment reconciliation: differences to check"),
                body=_("%(day)s: %(n)d payments do not match the gateway's statement.")
                % {"day": day.isoformat(), "n": len(run.differences)},
                link=reverse("paymentwork:reconciliation"),
                sms=False,
            )
    return run


NOTE_MAX = 200


@transaction.atomic
def difference_handle(*, actor, run: Reconciliation, index: int, note: str, request=None):
    """A finance officer notes how a difference was dealt with (refunded through the gateway,
    the gateway's statement corrected…); it then leaves the to-do list."""
    if not policies.may_reconcile(actor):
        raise PermissionDenied(
            "payments.not_finance_officer", _("Only the finance officers handle differences.")
        )
    run = Reconciliation.objects.select_for_update().get(pk=run.pk)
    if not 0 <= index < len(run.differences):
        raise NotFound("payments.difference_not_found", _("No such difference."))
    difference = run.differences[index]
    if difference.get("handled"):
        raise _invalid("already_handled", _("This difference is already handled."), 409)
    note = (note or "").strip()
    if not note or len(note) > NOTE_MAX:
        raise _invalid(
            "note_needed", _("Say how it was handled (at most 200 characters)."), field="note"
        )
    difference["handled"] = {
        "at": timezone.now().isoformat(timespec="seconds"),
        "by": actor.get_full_name() or actor.get_username(),
        "note": note,
    }
    run.save(update_fields=["differences"])
    audit.record(
        actor=actor,
        action="payments.difference.handle",
        target=run,
        request=request,
        detail={
            "day": run.day.isoformat(),
            **{k: v for k, v in difference.items() if k != "handled"},
            "note": note,
        },
    )
    return run


REMIND_DAYS_BEFORE = 2


def orders_remind_due(*, today: datetime.date | None = None) -> int:
    """Each morning: payers whose order falls due within REMIND_DAYS_BEFORE days hear of it once
    (in-app and SMS). Returns how many were reminded."""
    today = today or timezone.localdate()
    due = PaymentOrder.objects.filter(
        status=OrderStatus.UNPAID,
        reminded_on__isnull=True,
        payer__isnull=False,
        due_on__gte=today,
        due_on__lte=today + datetime.timedelta(days=REMIND_DAYS_BEFORE),
    ).select_related("payer")
    reminded = 0
    for order in due:
        with transaction.atomic():
            if not PaymentOrder.objects.filter(pk=order.pk, reminded_on__isnull=True).update(
                reminded_on=today
            ):
                continue  # another process reminded it meanwhile
            _tell_payer(order, _("A fee falls due soon"))
            reminded += 1
    return reminded


def reconcile_yesterday(*, today: datetime.date | None = None) -> Reconciliation | None:
    """Yesterday's reconciliation; None without a gateway (nothing was paid online)."""
    if gateways.gateway() is None:
        return None
    today = today or timezone.localdate()
    return reconcile(day=today - datetime.timedelta(days=1))
