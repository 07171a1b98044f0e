"""Public payment over HTTP: the gateway's notification endpoint, the payer's pages and the
sandbox cashier, the API, and the workbench (scope, window payments, export, reconciliation)."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from onetrip.core.models import AuditEntry
from onetrip.payments import gateway
from onetrip.payments.models import OrderStatus, SandboxPayment

from .conftest import notification

pytestmark = pytest.mark.django_db


def _notify_http(client, body: bytes, signature: str, gateway_name="sandbox"):
    return client.post(
        f"/api/v1/payments/notify/{gateway_name}",
        data=body,
        content_type="application/json",
        headers={"X-Payment-Signature": signature},
    )


def test_the_gateway_notifies_over_http(client, issue):
    order = issue()
    body = notification(order, transaction_id="WX-9")
    response = _notify_http(client, body, gateway.sign(body))
    assert response.status_code == 200
    order.refresh_from_db()
    assert response.json() == {
        "result": "ok",
        "code": order.code,
        "receipt_number": order.receipt_number,
    }
    assert _notify_http(client, body, gateway.sign(body)).status_code == 200  # repeated


def test_money_that_does_not_fit_is_refused_in_chinese(client, issue):
    order = issue()
    body = notification(order, amount=1)
    response = _notify_http(client, body, gateway.sign(body))
    assert response.status_code == 422
    assert response.json()["code"] == "payments.amount_mismatch"
    assert response.json()["message"] == "支付金额与缴款通知金额不符。"


@pytest.mark.parametrize(
    ("body", "signed", "gateway_name", "status", "code"),
    [
        (b"{}", False, "sandbox", 401, "payments.bad_signature"),
        (b"[1, 2]", True, "sandbox", 422, "payments.bad_notification"),
        (b"{}", True, "unionpay", 404, "payments.unknown_gateway"),
    ],
)
def test_bad_notifications_get_a_clear_error(client, body, signed, gateway_name, status, code):
    response = _notify_http(client, body, gateway.sign(body) if signed else "00", gateway_name)
    assert response.status_code == status
    assert response.json()["code"] == code and response.json()["message"]


def test_the_payer_pays_through_the_sandbox_cashier(client, issue, payer, person_factory):
    order = issue()
    client.force_login(person_factory(name="路人甲"))
    assert client.get(f"/me/payments/{order.public_id}/").status_code == 404
    client.force_login(payer)
    page = client.get("/me/payments/").content.decode()
    assert "个体工商户设立登记" in page and "30.50" in page
    page = client.get(f"/me/payments/{order.public_id}/").content.decode()
    assert order.code in page and "在线缴纳 30.50 元" in page
    to_cashier = client.post(f"/me/payments/{order.public_id}/pay/")
    assert to_cashier.status_code == 302 and to_cashier.url.startswith(
        f"/pay/sandbox/{order.code}/"
    )
    cashier = client.get(to_cashier.url).content.decode()
    assert "收银台（沙箱）" in cashier and "¥ 30.50" in cashier
    back = client.post(to_cashier.url, {"method": "wechat"})
    assert back.status_code == 302 and back.url == f"/me/payments/{order.public_id}/"
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    receipt = client.get(back.url).content.decode()
    assert "缴款凭证" in receipt and order.receipt_number in receipt
    again = client.post(to_cashier.url, {"method": "wechat"})  # nothing to pay any more
    assert again.status_code == 409 and SandboxPayment.objects.count() == 1


def test_the_cashier_sends_nobody_elsewhere_and_can_lose_its_notification(client, issue):
    order = issue()
    url = f"/pay/sandbox/{order.code}/?return=https://evil.example/"
    response = client.post(url, {"method": "alipay", "lose": "yes"})
    assert response.status_code == 302 and response.url == "/"
    order.refresh_from_db()
    assert order.status == OrderStatus.UNPAID  # the night's reconciliation will find it
    assert SandboxPayment.objects.get().code == order.code
    assert client.get("/pay/sandbox/00000000000000000000/").status_code == 404


def test_the_api_shows_payers_their_orders_and_staff_their_departments(
    client, issue, payer, clerk, other_clerk, finance, token_for, person_factory
):
    order = issue()
    mine = client.get("/api/v1/payments", **token_for(payer))
    assert [o["code"] for o in mine.json()] == [order.code]
    assert mine.json()[0]["amount"] == 3050 and mine.json()[0]["amount_yuan"] == "30.50"
    auth = token_for(person_factory(name="路人乙"))
    assert client.get("/api/v1/payments", **auth).json() == []
    assert client.get(f"/api/v1/payments/{order.public_id}", **auth).status_code == 404
    assert client.get("/api/v1/payments/not-a-uuid", **auth).status_code == 404
    for staff, seen in ((clerk, 1), (finance, 1), (other_clerk, 0)):
        assert len(client.get("/api/v1/payments", **token_for(staff)).json()) == seen
    auth = token_for(finance)
    assert client.get(f"/api/v1/payments/{order.public_id}", **auth).status_code == 200
    assert AuditEntry.objects.filter(action="payments.order.read", actor=finance).exists()
    assert client.get("/api/v1/payments").status_code == 401


def test_the_workbench_lists_the_departments_orders(
    client, issue, clerk, other_clerk, finance, staff_factory
):
    order = issue()
    client.force_login(clerk)
    page = client.get("/workbench/payments/").content.decode()
    assert order.code in page and "陈**" in page and "陈小红" not in page
    client.force_login(other_clerk)
    assert order.code not in client.get("/workbench/payments/").content.decode()
    assert client.get(f"/workbench/payments/{order.public_id}/").status_code == 404
    client.force_login(finance)
    page = client.get("/workbench/payments/?status=unpaid").content.decode()
    assert order.code in page and "县市场监管局" in page
    client.force_login(staff_factory(department="县市场监管局", roles=("data_officer",)).user)
    assert client.get("/workbench/payments/").status_code == 403


def test_a_window_payment_and_a_cancellation_from_the_workbench(client, issue, clerk, finance):
    order, wrong = issue(), issue()
    client.force_login(clerk)
    refused = client.post(f"/workbench/payments/{order.public_id}/counter/", {})
    assert refused.status_code == 422 and "参考号" in refused.content.decode()
    done = client.post(
        f"/workbench/payments/{order.public_id}/counter/", {"terminal_reference": "POS-77"}
    )
    assert done.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.channel == "counter"
    client.post(f"/workbench/payments/{wrong.public_id}/cancel/", {"reason": "金额有误"})
    wrong.refresh_from_db()
    assert wrong.status == OrderStatus.CANCELLED
    client.force_login(finance)  # follows every order, collects none
    response = client.post(f"/workbench/payments/{issue().public_id}/cancel/", {"reason": "x"})
    assert response.status_code == 403


def test_the_excel_export_is_masked_and_audited(client, issue, clerk, notify):
    notify(issue(), transaction_id="T-1")
    issue()
    client.force_login(clerk)
    response = client.get("/workbench/payments/?status=paid&format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "缴款码" and len(rows) == 2
    assert rows[1][3] == "陈**" and rows[1][4] == 30.5 and rows[1][5] == "已缴费"
    entry = AuditEntry.objects.get(action="payments.orders.export")
    assert entry.detail["rows"] == 1 and entry.detail["status"] == "paid"


def test_only_finance_officers_reconcile(client, issue, clerk, finance):
    order = issue()
    SandboxPayment.objects.create(
        transaction_id="S9",
        code=order.code,
        amount=order.amount,
        paid_at=timezone.now() - datetime.timedelta(days=1),
        method="alipay",
    )
    client.force_login(clerk)
    assert client.get("/workbench/payments/reconciliation/").status_code == 403
    client.force_login(finance)
    today = timezone.localdate()
    assert client.post("/workbench/payments/reconciliation/", {"day": today}).status_code == 422
    yesterday = today - datetime.timedelta(days=1)
    response = client.post("/workbench/payments/reconciliation/", {"day": yesterday}, follow=True)
    page = response.content.decode()
    assert "0 笔差异" in page and order.code in page  # recovered from the statement
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_the_workbench_home_lists_fees_to_follow_and_differences(
    client, issue, clerk, finance, other_clerk
):
    order = issue()
    client.force_login(clerk)
    page = client.get("/workbench/").content.decode()
    todo = page[page.index('data-testid="todo"') :]
    assert "待缴费的缴款通知" in todo and "1 件待办" in todo
    client.force_login(other_clerk)  # another department's fee: nothing to follow
    assert "待缴费的缴款通知" not in client.get("/workbench/").content.decode()
    SandboxPayment.objects.create(
        transaction_id="S-X",
        code="3" * 19 + "3",
        amount=100,
        paid_at=timezone.now() - datetime.timedelta(days=1),
        method="alipay",
    )
    from onetrip.payments import services

    services.reconcile_yesterday()
    client.force_login(finance)
    page = client.get("/workbench/").content.decode()
    todo = page[page.index('data-testid="todo"') :]
    assert "待处理的对账差异" in todo and "1 件待办" in todo
    assert order.code  # the order itself stays as it was


def test_without_a_gateway_orders_are_paid_at_the_window(client, issue, payer, finance, settings):
    settings.ONETRIP_PAYMENT_GATEWAY = ""  # production until a gateway is configured
    order = issue()
    client.force_login(payer)
    page = client.get(f"/me/payments/{order.public_id}/").content.decode()
    assert 'data-testid="pay-at-window"' in page and 'data-testid="pay"' not in page
    response = client.post(f"/me/payments/{order.public_id}/pay/", follow=True)
    assert "请到窗口缴纳" in response.content.decode()
    assert client.get(f"/pay/sandbox/{order.code}/").status_code == 404
    body = notification(order)
    assert _notify_http(client, body, gateway.sign(body)).status_code == 404
    from onetrip.payments import services

    assert services.reconcile_yesterday() is None
    client.force_login(finance)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post("/workbench/payments/reconciliation/", {"day": yesterday})
    assert response.status_code == 409


def test_a_finance_officer_marks_a_difference_handled(client, issue, notify, finance, clerk):
    order = issue()
    yesterday = timezone.now() - datetime.timedelta(days=1)
    notify(order, transaction_id="A1", paid_at=yesterday)
    for transaction_id in ("A1", "A2"):  # the payer paid twice
        SandboxPayment.objects.create(
            transaction_id=transaction_id,
            code=order.code,
            amount=order.amount,
            paid_at=yesterday,
            method="alipay",
        )
    from onetrip.payments import services
    from onetrip.payments.models import Reconciliation

    run = services.reconcile_yesterday()
    assert [d["kind"] for d in run.differences] == ["paid_twice"]
    url = f"/workbench/payments/reconciliation/{run.pk}/differences/0/handle/"
    client.force_login(clerk)
    assert client.post(url, {"note": "x"}).status_code == 403
    client.force_login(finance)
    refused = client.post(url, {"note": "  "})
    assert refused.status_code == 422 and "请说明处理方式" in refused.content.decode()
    assert client.post(url.replace("/0/", "/5/"), {"note": "x"}).status_code == 404
    done = client.post(url, {"note": "已通过支付平台原路退款"}, follow=True)
    assert "已处理：已通过支付平台原路退款" in done.content.decode()
    assert client.post(url, {"note": "again"}).status_code == 409
    page = client.get("/workbench/").content.decode()
    assert "待处理的对账差异" in page and "0 件待办" in page
    services.reconcile_yesterday()  # a day run again keeps what was noted
    kept = Reconciliation.objects.get(pk=run.pk).differences[0]["handled"]
    assert kept["note"] == "已通过支付平台原路退款"
    assert AuditEntry.objects.filter(action="payments.difference.handle").count() == 1
