import datetime

import pytest

from onetrip.credit.services import credit_list_add, credit_record_add
from onetrip.datasets import records, services
from onetrip.datasets.models import Dataset

from .conftest import DEMO_FILE

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(county):
    services.datasets_load(path=DEMO_FILE, actor="test")


def test_population_source(catalogue, registries):
    pop = Dataset.objects.get(code="POP-BASE")
    row = records.record_lookup(pop, "330424199001010011")
    assert row == {
        "id_number": "330424199001010011",
        "name": "张三",
        "gender": "male",
        "birth_date": "1990-01-01",
        "household_region": "330424",
        "address": "海盐县武原街道城北路1号",
        "phone": "13800001111",
    }
    assert records.record_lookup(pop, "330424199001019999") is None
    assert records.records_count(pop) == 1
    assert list(records.records_iter(pop)) == [row]


def test_entities_source(catalogue, registries):
    ent = Dataset.objects.get(code="ENT-BASE")
    row = records.record_lookup(ent, "91330424MA2B3C4D5E")
    assert row["legal_representative"] == "李四"
    assert row["registered_capital"] == "100.50" and row["established_on"] == "2020-05-06"
    assert list(row) == [f.name for f in ent.fields.all()]
    assert records.records_count(ent) == 1 and next(records.records_iter(ent)) == row


def test_records_source(catalogue):
    toilets = Dataset.objects.get(code="PUB-TOILET")
    row = records.record_lookup(toilets, "GC0001")
    assert row["id"] == "GC0001" and isinstance(row["lon"], float)
    assert records.record_lookup(toilets, "nope") is None
    assert records.record_lookup(toilets, "") is None
    assert records.records_count(toilets) == 160
    rows = list(records.records_iter(toilets))
    assert len(rows) == 160 and rows[0] == row


def test_credit_source(catalogue, officer_of):
    officer = officer_of("县发改局")
    credit_record_add(
        actor=officer,
        subject_type="legal",
        subject_id="91330424MA2B3C4D5E",
        kind="bad",
        severity="serious",
        category="行政处罚",
        decided_on=datetime.date(2026, 1, 5),
    )
    credit_list_add(
        actor=officer,
        list_type="red",
        subject_type="person",
        subject_id="330424199001010011",
        reason="纳税信用A级",
        listed_on=datetime.date(2026, 1, 1),
    )
    dataset = Dataset.objects.get(code="CREDIT-BASE")
    row = records.record_lookup(dataset, "91330424MA2B3C4D5E")
    assert row["grade"] == "C" and row["bad_records"] == 1 and row["treatment"] == "strict_review"
    assert records.record_lookup(dataset, "330424199001010011")["red_listed"] is True
    assert records.record_lookup(dataset, "330424199001019999") is None
    assert records.records_count(dataset) == 2
    assert {r["subject_id"] for r in records.records_iter(dataset)} == {
        "91330424MA2B3C4D5E",
        "330424199001010011",
    }
