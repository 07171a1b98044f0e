"""Objections to credit records (信用信息异议): the record is marked while its source department
checks it; upheld, it is withdrawn and stops counting towards the grade."""

import datetime

import pytest
from django.utils import translation

from onetrip.core.errors import DomainError
from onetrip.core.models import AuditEntry
from onetrip.credit.models import CreditRecord
from onetrip.credit.selectors import credit_grade_get
from onetrip.credit.services import credit_record_add
from onetrip.objections import services
from onetrip.objections.models import DataObjection, ObjectionStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def market_officer(staff_factory):
    return staff_factory(department="县市场监管局", roles=("data_officer",)).user


@pytest.fixture
def penalties(citizen, market_officer):
    """Two minor bad records: together they make the grade C."""
    return [
        credit_record_add(
            actor=market_officer,
            subject_type="person",
            subject_id=citizen.person.id_number,
            kind="bad",
            severity="minor",
            category=category,
            decided_on=datetime.date(2026, 3, 1),
            description=description,
        )
        for category, description in [
            ("行政处罚", "未按规定公示经营信息，警告"),
            ("欠缴费用", "逾期未缴纳罚款"),
        ]
    ]


def test_upheld_the_record_is_withdrawn_and_the_grade_recovers(citizen, market_officer, penalties):
    subject = ("person", citizen.person.id_number)
    assert credit_grade_get(*subject) == "C"
    unpaid = penalties[1]

    objection = services.objection_file_credit(
        actor=citizen, record=unpaid, statement="罚款已于 2026-03-05 缴清，附缴款凭证。"
    )
    unpaid.refresh_from_db()
    assert unpaid.under_objection and objection.owner == unpaid.department
    assert objection.data_name == "信用记录：欠缴费用（2026-03-01）"
    assert credit_grade_get(*subject) == "C"  # it still counts while being checked

    services.objection_decide(actor=market_officer, objection=objection, upheld=True, note="属实")

    unpaid.refresh_from_db()
    assert unpaid.withdrawn_at is not None and not unpaid.under_objection
    assert unpaid.withdrawn_reason == f"{objection.number} 属实"
    assert credit_grade_get(*subject) == "B"
    assert AuditEntry.objects.filter(action="credit.record.withdraw").count() == 1


def test_refused_or_withdrawn_the_mark_comes_off(citizen, market_officer, penalties):
    first = services.objection_file_credit(
        actor=citizen, record=penalties[0], statement="不是我经营的店铺"
    )
    services.objection_decide(
        actor=market_officer, objection=first, upheld=False, note="经核实处罚对象无误。"
    )
    second = services.objection_file_credit(
        actor=citizen, record=penalties[1], statement="已缴清罚款"
    )
    services.objection_withdraw(actor=citizen, objection=second)
    for record in penalties:
        record.refresh_from_db()
        assert not record.under_objection and record.withdrawn_at is None
    first.refresh_from_db()
    assert first.status == ObjectionStatus.REJECTED


def test_one_open_objection_per_credit_record_and_only_about_oneself(
    citizen, penalties, person_factory
):
    services.objection_file_credit(actor=citizen, record=penalties[0], statement="不是我经营的店铺")
    with pytest.raises(DomainError) as refused:
        services.objection_file_credit(actor=citizen, record=penalties[0], statement="再次提出异议")
    assert refused.value.code == "objections.already_open"
    # Another record of the same person is a separate objection.
    services.objection_file_credit(actor=citizen, record=penalties[1], statement="已缴清罚款")
    with pytest.raises(DomainError) as refused:
        services.objection_file_credit(
            actor=person_factory(name="李四", level="L2"), record=penalties[1], statement="不是本人"
        )
    assert refused.value.code == "objections.record_not_found"


def test_only_the_source_department_withdraws(citizen, penalties, officer):
    """The public-security bureau's data officer cannot answer for the market regulator."""
    objection = services.objection_file_credit(
        actor=citizen, record=penalties[0], statement="不是我经营的店铺"
    )
    with pytest.raises(DomainError):
        services.objection_decide(actor=officer, objection=objection, upheld=True)
    assert CreditRecord.objects.get(pk=penalties[0].pk).withdrawn_at is None


def test_portal_workbench_and_credit_page(client, citizen, market_officer, penalties, token_for):
    client.force_login(citizen)
    page = client.get("/me/data/").content.decode()
    assert "我的信用记录" in page and "逾期未缴纳罚款" in page
    url = f"/me/data/credit/{penalties[1].public_id}/object/"
    assert f'href="{url}"' in page
    assert client.post(url, {"statement": "短"}).status_code == 422
    response = client.post(url, {"statement": "罚款已于 2026-03-05 缴清。"})
    assert response.status_code == 302
    assert "异议核查中" in client.get("/me/data/").content.decode()

    client.force_login(market_officer)
    credit_page = client.get(
        "/workbench/credit/", {"subject_type": "person", "subject_id": citizen.person.id_number}
    ).content.decode()
    assert 'data-testid="under-objection"' in credit_page
    objection = DataObjection.objects.get(credit_record=penalties[1])
    detail = client.get(f"/workbench/objections/{objection.public_id}/").content.decode()
    assert "撤销该信用记录" in detail and "逾期未缴纳罚款" in detail
    client.post(f"/workbench/objections/{objection.public_id}/decide/", {"decision": "uphold"})
    credit_page = client.get(
        "/workbench/credit/", {"subject_type": "person", "subject_id": citizen.person.id_number}
    ).content.decode()
    assert 'data-testid="withdrawn"' in credit_page

    answer = client.get(f"/api/v1/objections/{objection.public_id}", **token_for(citizen)).json()
    assert answer["status"] == "upheld" and answer["credit_record"] == str(penalties[1].public_id)


def test_the_api_files_a_credit_objection(client, citizen, penalties, token_for):
    response = client.post(
        "/api/v1/objections",
        {"credit_record": str(penalties[0].public_id), "statement": "不是我经营的店铺"},
        content_type="application/json",
        **token_for(citizen),
    )
    assert response.status_code == 201
    body = response.json()
    assert body["dataset"] == "" and body["dataset_name"].startswith("信用记录")
    assert body["department"] == "县市场监管局"
