"""Fixtures for public payment: a collecting department (县市场监管局) with a window clerk, a
clerk of another department, a finance officer, a payer, and helpers to issue an order and to
send the sandbox gateway's signed notification."""

import json

import pytest
from django.utils import timezone

ITEMS = [{"name": "营业执照工本费", "amount": "10"}, {"name": "登记费", "amount": "20.50"}]


@pytest.fixture
def clerk(staff_factory):
    return staff_factory(department="县市场监管局", roles=("window_clerk",)).user


@pytest.fixture
def market(clerk):
    return clerk.staff.department


@pytest.fixture
def other_clerk(staff_factory):
    return staff_factory(department="县卫生健康局", roles=("window_clerk",)).user


@pytest.fixture
def finance(staff_factory):
    return staff_factory(department="县财政局", roles=("finance_officer",)).user


@pytest.fixture
def payer(person_factory):
    return person_factory(name="陈小红", level="L2", phone="13700002222")


@pytest.fixture
def issue(clerk, market, payer):
    """Issue an order (ITEMS unless given) to `payer` for a reference."""
    from onetrip.payments import services

    counter = iter(range(1, 1000))

    def make(*, items=ITEMS, reference=None, actor=None):
        return services.order_create(
            actor=actor or clerk,
            department=market,
            reference=reference or f"test:{next(counter)}",
            purpose="个体工商户设立登记",
            payer=payer,
            payer_type="person",
            payer_number=payer.person.id_number,
            payer_name=payer.person.name,
            items=items,
            link="/applications/x/",
        )

    return make


def notification(order, *, transaction_id="T0001", amount=None, paid_at=None) -> bytes:
    return json.dumps(
        {
            "code": order.code,
            "transaction_id": transaction_id,
            "amount": order.amount if amount is None else amount,
            "paid_at": (paid_at or timezone.now()).isoformat(),
        }
    ).encode()


@pytest.fixture
def notify():
    """Send a signed notification as the sandbox gateway would."""
    from onetrip.payments import gateway, services

    def send(order, **kwargs):
        body = notification(order, **kwargs)
        return services.notification_receive(
            gateway_name="sandbox", body=body, signature=gateway.sign(body)
        )

    return send
