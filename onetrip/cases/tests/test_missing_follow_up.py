"""The daily follow-up of materials accepted as missing (容缺后补): the applicant is reminded
the working day before they are due; once overdue the case's history, the department and the
applicant are told, and the broken commitment goes into the credit file, where two of them
close tolerated-missing intake for that applicant."""

import datetime

import pytest

from onetrip.cases import services
from onetrip.cases.models import CaseEvent, MissingMaterial
from onetrip.cases.tasks import missing_follow_up
from onetrip.core.errors import DomainError
from onetrip.core.models import AuditEntry
from onetrip.credit.models import CreditRecord
from onetrip.credit.selectors import credit_grade_get
from onetrip.notify.models import Notification

from .conftest import draft_with, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted_missing(version, citizen, valid_form, clerk):
    """Cases accepted with 经营场所使用证明 missing (the citizen is grade B)."""

    def make():
        case = draft_with(version, citizen, valid_form, materials=("申请书",))
        case = services.case_accept(
            actor=clerk, case=services.case_submit(actor=citizen, case=case)
        )
        return case, case.missing_materials.get()

    return make


def _titles(user) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("title", flat=True))


def test_reminder_goes_once_on_the_working_day_before(accepted_missing, citizen):
    case, missing = accepted_missing()
    too_early = missing.due_on - datetime.timedelta(days=10)
    assert missing_follow_up(today=too_early.isoformat()) == {"reminded": 0, "overdue": 0}
    assert missing_follow_up(today=missing.due_on.isoformat()) == {"reminded": 1, "overdue": 0}
    assert missing_follow_up(today=missing.due_on.isoformat()) == {"reminded": 0, "overdue": 0}
    reminder = [t for t in _titles(citizen) if missing.due_on.isoformat() in t]
    assert len(reminder) == 1 and case.number in reminder[0]
    message = Notification.objects.get(user=citizen, title=reminder[0])
    assert message.body == "经营场所使用证明"
    missing.refresh_from_db()
    assert missing.reminded_on == missing.due_on and missing.overdue_on is None


def test_overdue_is_recorded_once_told_and_kept_in_the_credit_file(
    accepted_missing, citizen, reviewer, clerk
):
    case, missing = accepted_missing()
    day_after = missing.due_on + datetime.timedelta(days=1)
    assert missing_follow_up(today=day_after.isoformat())["overdue"] == 1
    assert missing_follow_up(today=day_after.isoformat())["overdue"] == 0

    missing.refresh_from_db()
    assert missing.overdue_on == day_after
    record = missing.credit_record
    assert (record.kind, record.severity) == ("bad", "minor")
    assert record.subject_id == citizen.person.id_number
    assert record.department == case.department
    assert record.valid_until == day_after + datetime.timedelta(days=365)
    assert case.number in record.description

    event = CaseEvent.objects.get(application=case, action="missing_overdue")
    assert event.actor is None and event.actor_label == "system:cases"
    assert "经营场所使用证明" in event.note
    audit = AuditEntry.objects.get(
        target_id=case.number, action="cases.application.missing_overdue"
    )
    assert audit.detail["credit_record"] == str(record.public_id)
    assert any("逾期" in t for t in _titles(citizen))
    staff_message = Notification.objects.get(user=reviewer, title__contains=case.number)
    assert staff_message.link == f"/workbench/cases/{case.number}/"
    assert not Notification.objects.filter(user=clerk, title__contains="逾期").exists()


def test_two_broken_commitments_close_tolerated_intake(accepted_missing, citizen, clerk, version):
    today = datetime.date.today()
    for _ in range(2):
        _case, missing = accepted_missing()
        # Time passes: the date was yesterday, and the follow-up runs today, the day the
        # grade is read (a record counts from the day it is decided).
        MissingMaterial.objects.filter(pk=missing.pk).update(
            due_on=today - datetime.timedelta(days=1)
        )
        missing_follow_up(today=today.isoformat())
    assert credit_grade_get("person", citizen.person.id_number) == "C"
    with pytest.raises(DomainError) as refused:
        accepted_missing()
    assert refused.value.code == "cases.tolerance_not_allowed"


def test_supplied_and_closed_cases_are_left_alone(accepted_missing, citizen):
    supplied_case, supplied = accepted_missing()
    services.case_missing_supply(
        actor=citizen, case=supplied_case, missing=supplied, uploaded_file=pdf()
    )
    withdrawn_case, _missing = accepted_missing()
    services.case_withdraw(actor=citizen, case=withdrawn_case, reason="不再经营")
    day_after = supplied.due_on + datetime.timedelta(days=1)
    assert missing_follow_up(today=day_after.isoformat()) == {"reminded": 0, "overdue": 0}
    assert not CreditRecord.objects.exists()


def test_a_county_without_such_credit_records_still_marks_and_tells(
    accepted_missing, citizen, settings
):
    settings.ONETRIP_TOLERATED_OVERDUE_CREDIT_DAYS = 0
    case, missing = accepted_missing()
    missing_follow_up(today=(missing.due_on + datetime.timedelta(days=1)).isoformat())
    missing.refresh_from_db()
    assert missing.overdue_on is not None and missing.credit_record is None
    assert not CreditRecord.objects.exists()
    assert CaseEvent.objects.filter(application=case, action="missing_overdue").exists()


def test_case_pages_show_the_overdue_material(client, accepted_missing, citizen, clerk):
    case, missing = accepted_missing()
    missing_follow_up(today=(missing.due_on + datetime.timedelta(days=1)).isoformat())
    for user, url in (
        (citizen, f"/applications/{case.number}/"),
        (clerk, f"/workbench/cases/{case.number}/"),
    ):
        client.force_login(user)
        html = client.get(url).content.decode()
        assert 'data-testid="missing-overdue"' in html
        assert f"应于{missing.due_on.isoformat()}前补交" in html


def test_supervisors_see_overdue_materials_until_they_are_supplied(
    client, accepted_missing, citizen, supervisor, staff_factory, health
):
    case, missing = accepted_missing()
    missing_follow_up(today=(missing.due_on + datetime.timedelta(days=1)).isoformat())
    other_head = staff_factory(department="县卫生健康局", roles=("department_head",)).user

    def listed(user) -> bool:
        client.force_login(user)
        page = client.get("/workbench/cases/supervision/")
        assert page.status_code == 200
        section = page.content.decode().split('data-testid="missing-overdue-list"')[1]
        return case.number in section

    assert listed(supervisor)
    assert not listed(other_head)  # another department's head: not in scope
    services.case_missing_supply(actor=citizen, case=case, missing=missing, uploaded_file=pdf())
    assert not listed(supervisor)
