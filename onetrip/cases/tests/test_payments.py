"""Fees on a case (缴费): an approved case is charged, the applicant pays, and only then is
the result handed over; the history says each, and the pages show the fee to both sides."""

import json

import pytest
from django.utils import timezone

from onetrip.cases import services
from onetrip.core.errors import DomainError, NotFound, PermissionDenied
from onetrip.payments import gateway
from onetrip.payments import services as payment_services
from onetrip.payments.models import OrderStatus, PaymentOrder

pytestmark = pytest.mark.django_db

FEES = [{"name": "工本费", "amount": "15"}]


@pytest.fixture
def approved(approved_fee_case):
    return approved_fee_case


def _pay(order, transaction_id="ALI-7"):
    body = json.dumps(
        {
            "code": order.code,
            "transaction_id": transaction_id,
            "amount": order.amount,
            "paid_at": timezone.now().isoformat(),
        }
    ).encode()
    return payment_services.notification_receive(
        gateway_name="sandbox", body=body, signature=gateway.sign(body)
    )


def test_the_result_waits_for_the_fee(approved, clerk, citizen):
    order = services.case_charge(actor=clerk, case=approved, items=FEES)
    assert order.reference == f"case:{approved.number}" and order.payer == citizen
    assert order.payer_number == approved.subject_id and order.amount == 1500
    assert order.purpose.endswith(f"（{approved.number}）")
    with pytest.raises(DomainError) as caught:
        services.case_result_issue(actor=clerk, case=approved)
    assert (caught.value.code, caught.value.status) == ("cases.payment_outstanding", 409)
    _pay(order)
    case = services.case_result_issue(actor=clerk, case=approved)
    assert case.status == "result_issued"
    notes = [e.note for e in case.events.all()]
    assert any(order.code in n for n in notes)
    assert any(PaymentOrder.objects.get().receipt_number in n for n in notes)


def test_a_cancelled_order_no_longer_holds_the_result(approved, clerk):
    order = services.case_charge(actor=clerk, case=approved, items=FEES)
    payment_services.order_cancel(actor=clerk, order=order, reason="费用减免")
    assert services.case_result_issue(actor=clerk, case=approved).status == "result_issued"


def test_only_an_approved_case_of_ones_own_department_is_charged(
    submitted, approved, clerk, other_reviewer, supervisor
):
    with pytest.raises(DomainError) as caught:
        services.case_charge(actor=clerk, case=submitted, items=FEES)
    assert caught.value.status == 409
    with pytest.raises(NotFound):  # another department's case is not even there
        services.case_charge(actor=other_reviewer, case=approved, items=FEES)
    with pytest.raises(PermissionDenied):
        services.case_charge(actor=supervisor, case=approved, items=FEES)
    assert not PaymentOrder.objects.exists()


def test_the_clerk_charges_from_the_case_page_and_the_applicant_pays(
    client, approved, clerk, citizen
):
    client.force_login(clerk)
    page = client.get(f"/workbench/cases/{approved.number}/").content.decode()
    assert "开具缴款通知" in page and "收费标准：营业执照工本费15元" in page
    refused = client.post(
        f"/workbench/cases/{approved.number}/charge/",
        {"item_name": ["工本费", ""], "item_amount": ["-3", ""]},
    )
    assert refused.status_code == 422 and "请填写大于零的金额" in refused.content.decode()
    assert not PaymentOrder.objects.exists()
    client.post(
        f"/workbench/cases/{approved.number}/charge/",
        {"item_name": ["工本费", "邮寄费"], "item_amount": ["15", "8.5"]},
    )
    order = PaymentOrder.objects.get()
    assert order.amount == 2350 and order.status == OrderStatus.UNPAID
    page = client.get(f"/workbench/cases/{approved.number}/").content.decode()
    assert order.code in page and "charge-form" not in page  # one waiting order at a time
    refused = client.post(f"/workbench/cases/{approved.number}/issue/")
    assert refused.status_code == 409 and "费用尚未缴纳" in refused.content.decode()

    client.force_login(citizen)
    page = client.get(f"/applications/{approved.number}/").content.decode()
    assert "立即缴费" in page and "23.50" in page
    _pay(order)
    page = client.get(f"/applications/{approved.number}/").content.decode()
    assert "查看缴款凭证" in page and "已缴费" in page


def test_a_departments_system_charges_through_the_api(client, approved, clerk, token_for):
    url = f"/api/v1/applications/{approved.number}/charge"
    refused = client.post(
        url,
        {"items": [{"name": "", "amount": "0"}]},
        content_type="application/json",
        **token_for(clerk),
    )
    assert refused.status_code == 422 and refused.json()["code"] == "payments.invalid"
    assert set(refused.json()["detail"]["fields"]) == {"items.0.name", "items.0.amount"}
    made = client.post(url, {"items": FEES}, content_type="application/json", **token_for(clerk))
    assert made.status_code == 201 and made.json()["amount"] == 1500
    again = client.post(url, {"items": FEES}, content_type="application/json", **token_for(clerk))
    assert again.status_code == 409 and again.json()["code"] == "payments.already_open"
    issue = client.post(f"/api/v1/applications/{approved.number}/issue", **token_for(clerk))
    assert issue.status_code == 409 and issue.json()["code"] == "cases.payment_outstanding"
