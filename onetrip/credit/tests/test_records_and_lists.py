import datetime

import pytest
from django.utils import timezone

from onetrip.core.errors import DomainError, PermissionDenied
from onetrip.core.models import AuditEntry
from onetrip.credit import selectors
from onetrip.credit.selectors import credit_grade_get, credit_treatment, grade_rule
from onetrip.credit.services import (
    credit_grade_set,
    credit_list_add,
    credit_list_remove,
    credit_record_add,
)

pytestmark = pytest.mark.django_db
ID = "330424199001010011"
USCC = "91330424MA2B3C4D5E"
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("facts", "grade"),
    [
        ({}, "B"),
        ({"good": 1}, "B"),
        ({"good": 2}, "A"),
        ({"good": 3, "minor": 1}, "B"),
        ({"red": True}, "A"),
        ({"red": True, "minor": 1}, "A"),
        ({"minor": 1}, "B"),
        ({"minor": 2}, "C"),
        ({"serious": 1, "good": 5}, "C"),
        ({"red": True, "serious": 1}, "C"),
        ({"grave": 1}, "D"),
        ({"black": True, "good": 9, "red": True}, "D"),
    ],
)
def test_grade_rule_table(facts, grade):
    counts = {"good": 0, "minor": 0, "serious": 0, "grave": 0, "red": False, "black": False}
    assert grade_rule(**{**counts, **facts}) == grade


@pytest.fixture
def officer(staff_factory):
    return staff_factory(department="县发改局", roles=("data_officer",)).user


def _bad(actor, severity, **kwargs):
    return credit_record_add(
        actor=actor,
        subject_type="legal",
        subject_id=USCC,
        kind="bad",
        severity=severity,
        category="行政处罚",
        decided_on=kwargs.pop("decided_on", TODAY - DAY),
        **kwargs,
    )


def test_grade_follows_valid_records_only(officer):
    assert credit_grade_get("legal", USCC) == "B"
    _bad(officer, "serious", valid_until=TODAY - DAY, decided_on=TODAY - 10 * DAY)  # expired
    _bad(officer, "grave", decided_on=TODAY + DAY)  # not yet decided
    assert credit_grade_get("legal", USCC) == "B"
    _bad(officer, "minor")
    _bad(officer, "minor", valid_until=TODAY)  # still valid today
    assert credit_grade_get("legal", USCC) == "C"
    assert credit_treatment("legal", USCC) == "strict_review"
    entry = AuditEntry.objects.filter(action="credit.record.add").latest("id")
    assert entry.subject_id == USCC and entry.detail["department"] == officer.staff.department.code


def test_good_records_give_a_and_the_green_channel(officer):
    for category in ("纳税信用A级", "见义勇为"):
        credit_record_add(
            actor=officer,
            subject_type="person",
            subject_id=ID,
            kind="good",
            category=category,
            decided_on=TODAY,
        )
    assert credit_grade_get("person", ID) == "A"
    assert credit_treatment("person", ID) == "green_channel"


def test_manual_grade_overrides_the_derived_one(officer):
    _bad(officer, "grave")
    assert credit_grade_get("legal", USCC) == "D"
    credit_grade_set(actor=officer, subject_type="legal", subject_id=USCC, grade="B", reason="复核")
    assert credit_grade_get("legal", USCC) == "B"
    assert selectors.credit_summary("legal", USCC)["derived_grade"] == "D"


def test_black_list_bars_everywhere_until_removed(officer, staff_factory):
    entry = credit_list_add(
        actor=officer,
        list_type="black",
        subject_type="legal",
        subject_id=USCC,
        reason="拒不履行法院判决",
        listed_on=TODAY,
    )
    assert credit_grade_get("legal", USCC) == "D"
    credit_grade_set(actor=officer, subject_type="legal", subject_id=USCC, grade="A", reason="x")
    assert credit_treatment("legal", USCC) == "barred"  # joint punishment beats a manual grade
    assert [e.subject_id for e in selectors.credit_list(list_type="black")] == [USCC]
    stranger = staff_factory(department="县教育局", roles=("data_officer",)).user
    with pytest.raises(PermissionDenied):
        credit_list_remove(actor=stranger, entry=entry, reason="信用修复")
    credit_list_remove(actor=officer, entry=entry, reason="信用修复")
    assert credit_treatment("legal", USCC) == "green_channel"
    assert selectors.credit_list(list_type="black").count() == 0
    with pytest.raises(DomainError):
        credit_list_remove(actor=officer, entry=entry, reason="again")
    assert AuditEntry.objects.filter(action="credit.list.black.remove").count() == 1


def test_red_list_and_expiry(officer):
    credit_list_add(
        actor=officer,
        list_type="red",
        subject_type="person",
        subject_id=ID,
        reason="守信激励",
        listed_on=TODAY - 10 * DAY,
        until=TODAY - DAY,
    )
    assert credit_grade_get("person", ID) == "B"  # the listing has ended
    credit_list_add(
        actor=officer,
        list_type="red",
        subject_type="person",
        subject_id=ID,
        reason="守信激励",
        listed_on=TODAY,
    )
    assert credit_grade_get("person", ID) == "A"


def test_who_may_record_and_bad_input(officer, staff_factory):
    clerk = staff_factory(roles=("window_clerk",)).user
    with pytest.raises(PermissionDenied):
        _bad(clerk, "minor")
    with pytest.raises(DomainError) as refused:
        credit_record_add(
            actor=officer,
            subject_type="alien",
            subject_id="",
            kind="bad",
            severity="",
            category="",
            decided_on=TODAY,
            valid_until=TODAY - DAY,
        )
    assert set(refused.value.detail) == {
        "subject_type",
        "subject_id",
        "severity",
        "category",
        "valid_until",
    }


def test_workbench_page(client, officer, staff_factory):
    client.force_login(officer)
    url = f"/workbench/credit/?subject_type=legal&subject_id={USCC}"
    response = client.post(
        url,
        {
            "action": "record",
            "record-kind": "bad",
            "record-severity": "grave",
            "record-category": "严重违法失信",
            "record-decided_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'data-testid="grade">D<' in page and "严重违法失信" in page
    assert AuditEntry.objects.filter(action="credit.subject.read", subject_id=USCC).exists()
    bad = client.post(
        url,
        {
            "action": "record",
            "record-kind": "bad",
            "record-category": "x",
            "record-decided_on": TODAY.isoformat(),
        },
    )
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()
    client.force_login(staff_factory(roles=("window_clerk",)).user)
    assert client.get(url).status_code == 403
