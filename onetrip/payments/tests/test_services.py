"""Payment orders, the gateway's notifications, payments at the window and reconciliation,
through the services on the real database."""

import datetime

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn

from onetrip.core.errors import DomainError, PermissionDenied
from onetrip.core.models import AuditEntry
from onetrip.notify.models import Notification
from onetrip.payments import gateway, services
from onetrip.payments.models import OrderStatus, PaymentOrder, SandboxPayment

from .conftest import notification

pytestmark = pytest.mark.django_db


def test_an_order_tells_the_payer_what_to_pay_by_when(issue, payer, market):
    order = issue()
    assert order.amount == 3050 and order.yuan == "30.50"
    assert order.items == [
        {"name": "营业执照工本费", "amount": 1000},
        {"name": "登记费", "amount": 2050},
    ]
    assert len(order.code) == 20 and luhn.is_valid(order.code)
    assert order.code.startswith(market.region.code[:6])
    assert order.status == OrderStatus.UNPAID
    assert order.due_on == timezone.localdate() + datetime.timedelta(days=15)
    message = Notification.objects.get(user=payer)
    assert order.code in message.body and "30.50" in message.body
    entry = AuditEntry.objects.get(action="payments.order.create")
    assert entry.subject_id == payer.person.id_number and entry.detail["amount"] == 3050


def test_every_problem_of_the_items_is_told_and_nothing_saved(issue):
    with pytest.raises(DomainError) as caught:
        issue(items=[{"name": "", "amount": "abc"}, {"name": "工本费", "amount": "1.234"}])
    assert caught.value.code == "payments.invalid" and caught.value.status == 422
    assert set(caught.value.detail["fields"]) == {
        "items.0.name",
        "items.0.amount",
        "items.1.amount",
    }
    with pytest.raises(DomainError) as caught:
        issue(items=[{"name": "", "amount": ""}])
    assert caught.value.code == "payments.no_items"
    assert not PaymentOrder.objects.exists()


@pytest.mark.parametrize(
    ("text", "fen"),
    [("12", 1200), ("12.5", 1250), ("0.01", 1), ("1,200.00", 120000), (" 3 ", 300)],
)
def test_amounts_in_yuan(text, fen):
    assert services.amount_parse(text) == fen


@pytest.mark.parametrize("text", ["0", "0.00", "-1", "1.001", "1e3", "abc", "", "nan", "123456789"])
def test_amounts_that_are_not_fees(text):
    assert services.amount_parse(text) is None


@given(st.integers(min_value=1, max_value=services.MAX_FEN))
def test_every_amount_shown_reads_back_as_itself(fen):
    from onetrip.payments.models import fen_to_yuan

    assert services.amount_parse(fen_to_yuan(fen)) == fen


def test_one_order_waits_per_reference_until_cancelled(issue, clerk):
    order = issue(reference="case:1")
    with pytest.raises(DomainError) as caught:
        issue(reference="case:1")
    assert caught.value.code == "payments.already_open" and caught.value.status == 409
    with pytest.raises(DomainError) as caught:
        services.order_cancel(actor=clerk, order=order, reason=" ")
    assert caught.value.code == "payments.reason_needed"
    services.order_cancel(actor=clerk, order=order, reason="金额有误")
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.cancel_reason == "金额有误"
    assert issue(reference="case:1").status == OrderStatus.UNPAID


def test_only_the_collecting_departments_staff_issue_and_cancel(issue, other_clerk, finance):
    for actor in (other_clerk, finance):
        with pytest.raises(PermissionDenied):
            issue(actor=actor)
    order = issue()
    with pytest.raises(PermissionDenied):
        services.order_cancel(actor=other_clerk, order=order, reason="x")


def test_the_gateways_notification_marks_the_order_paid_once(issue, notify, payer):
    order = issue()
    paid = notify(order, transaction_id="ALI-1")
    assert paid.status == OrderStatus.PAID and paid.channel == "online"
    assert paid.gateway == "sandbox" and paid.transaction_id == "ALI-1"
    assert paid.receipt_number.startswith("JK")
    again = notify(order, transaction_id="ALI-1")  # gateways repeat themselves
    assert again.receipt_number == paid.receipt_number
    assert AuditEntry.objects.filter(action="payments.order.paid").count() == 1
    assert Notification.objects.filter(user=payer, title="已收到缴费").count() == 1


def test_a_payment_that_does_not_fit_changes_nothing_and_is_kept_for_refund(issue, notify, clerk):
    order = issue()
    with pytest.raises(DomainError) as caught:
        notify(order, amount=100)
    assert (caught.value.code, caught.value.status) == ("payments.amount_mismatch", 422)
    order.refresh_from_db()
    assert order.status == OrderStatus.UNPAID
    notify(order, transaction_id="T1")
    with pytest.raises(DomainError) as caught:
        notify(order, transaction_id="T2")
    assert (caught.value.code, caught.value.status) == ("payments.paid_twice", 409)
    cancelled = issue()
    services.order_cancel(actor=clerk, order=cancelled, reason="免收")
    with pytest.raises(DomainError) as caught:
        notify(cancelled, transaction_id="T3")
    assert caught.value.code == "payments.cancelled"
    with pytest.raises(DomainError) as caught:  # a transaction that already paid another order
        notify(issue(), transaction_id="T1")
    assert (caught.value.code, caught.value.status) == ("payments.transaction_reused", 409)
    refused = AuditEntry.objects.filter(action="payments.refused")
    assert sorted(e.detail["kind"] for e in refused) == [
        "amount_mismatch",
        "cancelled",
        "paid_twice",
        "transaction_reused",
    ]


def test_a_notification_with_a_wrong_signature_or_shape_is_refused(issue):
    order = issue()
    body = notification(order)
    with pytest.raises(DomainError) as caught:
        services.notification_receive(
            gateway_name="sandbox", body=body, signature=gateway.sign(body + b" ")
        )
    assert (caught.value.code, caught.value.status) == ("payments.bad_signature", 401)
    mistyped = order.code[:-1] + str((int(order.code[-1]) + 1) % 10)  # check digit fails
    for bad in (
        b"not json",
        b'{"code": "1"}',
        body.replace(order.code.encode(), mistyped.encode()),
    ):
        with pytest.raises(DomainError) as caught:
            services.notification_receive(
                gateway_name="sandbox", body=bad, signature=gateway.sign(bad)
            )
        assert caught.value.code == "payments.bad_notification"
    order.refresh_from_db()
    assert order.status == OrderStatus.UNPAID
    assert AuditEntry.objects.filter(action="payments.bad_signature").count() == 1


def test_a_payment_at_the_window(issue, clerk):
    order = issue()
    services.counter_payment_record(actor=clerk, order=order, terminal_reference="POS 000123")
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.channel == "counter"
    assert order.transaction_id == "counter:POS 000123"
    with pytest.raises(DomainError) as caught:
        services.counter_payment_record(actor=clerk, order=issue(), terminal_reference="POS 000123")
    assert caught.value.code == "payments.terminal_reference_used"
    with pytest.raises(DomainError) as caught:
        services.counter_payment_record(actor=clerk, order=order, terminal_reference="x")
    assert caught.value.code == "payments.not_unpaid"


def _collected(order, transaction_id, *, amount=None, code=None, when=None):
    return SandboxPayment.objects.create(
        transaction_id=transaction_id,
        code=code or order.code,
        amount=order.amount if amount is None else amount,
        paid_at=when or timezone.now() - datetime.timedelta(days=1),
        method="alipay",
    )


def test_reconciliation_recovers_lost_notifications_and_lists_the_rest(issue, notify, finance):
    yesterday = timezone.now() - datetime.timedelta(days=1)
    day = timezone.localdate(yesterday)
    told, lost, unknown_order, not_collected = issue(), issue(), issue(), issue()
    _collected(told, "S1", when=yesterday)
    notify(told, transaction_id="S1", paid_at=yesterday)
    _collected(lost, "S2", when=yesterday)  # paid; its notification never came
    _collected(unknown_order, "S3", code="3" * 19 + luhn.calc_check_digit("3" * 19))
    notify(not_collected, transaction_id="S4", paid_at=yesterday)  # told, not on the statement

    run = services.reconcile(day=day)
    lost.refresh_from_db()
    assert lost.status == OrderStatus.PAID and lost.transaction_id == "S2"
    assert run.matched == 2 and run.matched_amount == 2 * told.amount
    assert run.recovered == [{"transaction_id": "S2", "code": lost.code}]
    assert sorted(d["kind"] for d in run.differences) == ["not_in_statement", "order_not_found"]
    assert Notification.objects.filter(user=finance, title__contains="对账").exists()

    again = services.reconcile(day=day)  # a second run of the day replaces the first
    assert again.pk == run.pk and again.matched == 2 and again.recovered == []
    assert AuditEntry.objects.filter(action="payments.reconcile").count() == 2


def test_a_quiet_day_reconciles_with_no_differences(issue, notify, finance):
    run = services.reconcile_yesterday()
    assert run.matched == 0 and run.differences == []
    assert not Notification.objects.filter(user=finance).exists()


def test_payers_are_reminded_once_two_days_before_the_date(issue, payer, clerk):
    order = issue()
    services.order_cancel(actor=clerk, order=issue(), reason="重复开具")  # not reminded
    before = order.due_on - datetime.timedelta(days=3)
    assert services.orders_remind_due(today=before) == 0
    assert services.orders_remind_due(today=before + datetime.timedelta(days=1)) == 1
    assert services.orders_remind_due(today=before + datetime.timedelta(days=2)) == 0
    reminder = Notification.objects.get(user=payer, title="缴费期限将至")
    assert order.code in reminder.body and order.due_on.isoformat() in reminder.body


def test_the_periodic_tasks_reconcile_and_remind(issue):
    from onetrip.payments import tasks

    order = issue()
    day = (order.due_on - datetime.timedelta(days=1)).isoformat()
    assert tasks.remind_due(today=day) == 1
    assert tasks.reconcile_yesterday(today=day) == 0
