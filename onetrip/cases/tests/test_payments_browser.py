"""In Chromium: a clerk charges the fee of an approved case; on a phone the applicant pays it
through the sandbox cashier and keeps the receipt; the clerk then issues the result; the finance
officer reconciles a day in which a payment's notification was lost and finds it recorded."""

import datetime

import pytest
from django.utils import timezone

from onetrip.conftest import assert_accessible, screenshot
from onetrip.objections.tests.test_browser import sign_in
from onetrip.payments import services as payment_services
from onetrip.payments.models import OrderStatus, PaymentOrder, SandboxPayment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def approved(approved_fee_case):
    return approved_fee_case


def _desk(chromium, live_server):
    context = chromium.new_context(
        viewport={"width": 1280, "height": 860}, locale="zh-CN", base_url=live_server.url
    )
    context.set_default_timeout(15_000)
    return context


def test_a_fee_is_charged_paid_on_a_phone_and_reconciled(
    chromium, live_server, phone_page, approved, clerk, citizen, staff_factory
):
    desk_context = _desk(chromium, live_server)
    desk = desk_context.new_page()
    desk.goto(f"/workbench/cases/{approved.number}/")
    sign_in(desk, clerk.username, totp_secret=clerk.totp_secret)
    desk.wait_for_url(f"**/workbench/cases/{approved.number}/")
    fee = desk.get_by_test_id("fee-section")
    assert "营业执照工本费15元" in fee.inner_text()
    desk.fill("#item-name-0", "营业执照工本费")
    desk.fill("#item-amount-0", "15")
    desk.fill("#item-name-1", "邮寄费")
    desk.fill("#item-amount-1", "8.5")
    assert_accessible(desk)
    desk.get_by_test_id("charge").click()
    desk.wait_for_load_state()
    order = PaymentOrder.objects.get()
    assert order.code in desk.get_by_test_id("payment-order").inner_text()
    assert "23.50" in desk.get_by_test_id("payment-order").inner_text()
    screenshot(desk, "payments-charge-workbench")
    assert "费用尚未缴纳" in desk.get_by_test_id("issue-waits").inner_text()

    page = phone_page
    page.goto(f"/applications/{approved.number}/")
    sign_in(page, citizen.person.id_number)
    page.wait_for_url(f"**/applications/{approved.number}/")
    assert "23.50" in page.get_by_test_id("fee-section").inner_text()
    assert_accessible(page)
    screenshot(page, "payments-case-fee")
    page.get_by_test_id("go-pay").click()
    page.wait_for_url(f"**/me/payments/{order.public_id}/")
    assert order.code == page.get_by_test_id("order-code").inner_text()
    assert page.get_by_test_id("order-total").inner_text() == "23.50"
    assert_accessible(page)
    page.get_by_test_id("pay").click()
    page.wait_for_url(f"**/pay/sandbox/{order.code}/**")
    assert "23.50" in page.get_by_test_id("cashier-amount").inner_text()
    page.get_by_label("微信支付").check()
    assert_accessible(page)
    screenshot(page, "payments-cashier")
    page.get_by_test_id("confirm-pay").click()
    page.wait_for_url(f"**/me/payments/{order.public_id}/")
    assert page.get_by_test_id("order-status").inner_text() == "已缴费"
    order.refresh_from_db()
    assert page.get_by_test_id("receipt-number").inner_text() == order.receipt_number
    assert_accessible(page)
    screenshot(page, "payments-receipt")

    desk.goto(f"/workbench/cases/{approved.number}/")
    assert "已缴费" in desk.get_by_test_id("payment-order").inner_text()
    desk.get_by_test_id("issue").click()
    desk.wait_for_load_state()
    approved.refresh_from_db()
    assert approved.status == "result_issued"
    desk_context.close()

    # Yesterday a payment reached the gateway but its notification never came.
    lost = payment_services.order_create(
        actor=clerk,
        department=approved.department,
        reference="test:lost",
        purpose="个体工商户变更登记（演示）",
        payer=citizen,
        payer_type="person",
        payer_number=citizen.person.id_number,
        payer_name=citizen.person.name,
        items=[{"name": "工本费", "amount": "10"}],
    )
    SandboxPayment.objects.create(
        transaction_id="SBX-LOST-1",
        code=lost.code,
        amount=lost.amount,
        paid_at=timezone.now() - datetime.timedelta(days=1),
        method="alipay",
    )
    finance = staff_factory(department="县财政局", roles=("finance_officer",)).user
    finance_context = _desk(chromium, live_server)
    office = finance_context.new_page()
    office.goto("/workbench/")
    sign_in(office, finance.username, totp_secret=finance.totp_secret)
    office.wait_for_url("**/workbench/")
    office.get_by_role("link", name="缴费管理").first.click()
    office.wait_for_url("**/workbench/payments/")
    assert office.get_by_test_id("payment-row").count() == 2
    assert "县市场监管局" in office.get_by_test_id("payment-table").inner_text()
    assert_accessible(office)
    screenshot(office, "payments-workbench-list")
    office.get_by_role("link", name="与支付平台对账").click()
    office.wait_for_url("**/workbench/payments/reconciliation/")
    office.get_by_test_id("reconcile").click()
    office.wait_for_load_state()
    row = office.get_by_test_id("reconciliation-row").first
    assert lost.code in row.inner_text()
    lost.refresh_from_db()
    assert lost.status == OrderStatus.PAID and lost.transaction_id == "SBX-LOST-1"
    assert_accessible(office)
    screenshot(office, "payments-reconciliation")
    finance_context.close()
