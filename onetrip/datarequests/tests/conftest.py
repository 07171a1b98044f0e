"""Fixtures for data requests: 县市场监管局 with an open dataset and a closed one, its data
officer, a data officer of another department, and a citizen."""

import pytest

from onetrip.datasets.models import Dataset, OpeningClass


@pytest.fixture
def officer(staff_factory):
    return staff_factory(department="县市场监管局", roles=("data_officer",)).user


@pytest.fixture
def market(officer):
    return officer.staff.department


@pytest.fixture
def shops(market):
    return Dataset.objects.create(
        code="SHOPS", name="个体工商户名录", owner=market, opening_class=OpeningClass.OPEN
    )


@pytest.fixture
def inspections(market):
    return Dataset.objects.create(
        code="INSPECTIONS", name="双随机抽查结果", owner=market, opening_class=OpeningClass.CLOSED
    )


@pytest.fixture
def other_officer(staff_factory):
    return staff_factory(department="县卫生健康局", roles=("data_officer",)).user


@pytest.fixture
def citizen(person_factory):
    return person_factory(name="孙晓明", level="L1", phone="13600003333")
