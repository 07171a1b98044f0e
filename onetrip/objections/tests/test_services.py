"""Data objections through the services: filing (who may, what is checked), the owner's answer
(correcting the registry or imported rows, or refusing with a reason), withdrawal, reminders,
and what everyone is told."""

import datetime

import pytest
from django.utils import translation

from onetrip.core.errors import DomainError, NotFound, PermissionDenied
from onetrip.core.models import AuditEntry
from onetrip.notify.models import Notification
from onetrip.objections import services
from onetrip.objections.models import DataObjection, ObjectionStatus
from onetrip.registries.models import PopulationRecord

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def file(citizen, dataset, **overrides):
    values = {
        "actor": citizen,
        "dataset": dataset,
        "key": citizen.person.id_number,
        "proposed": {"address": "海盐县武原街道新桥北路8号"},
        "statement": "我已于今年迁居，住址登记有误。",
    }
    values.update(overrides)
    return services.objection_file(**values)


def test_filing_records_the_fields_as_they_were_and_tells_both_sides(
    citizen, officer, pop_base, png
):
    objection = file(citizen, pop_base, evidence=[png])

    assert objection.number.startswith("SJYY") and objection.status == ObjectionStatus.OPEN
    assert objection.owner.name == "县公安局" and objection.subject_name == "朱丽华"
    assert objection.items == [
        {
            "name": "address",
            "label": "住址",
            "current": "海盐县武原街道旧址1号",
            "proposed": "海盐县武原街道新桥北路8号",
        }
    ]
    assert objection.due_on > datetime.date.today()
    assert objection.evidence.get().original_name == "户口簿.png"
    entry = AuditEntry.objects.get(action="objections.file")
    assert entry.subject_id == citizen.person.id_number and entry.detail["fields"] == ["address"]
    assert Notification.objects.filter(user=citizen, title__contains=objection.number).exists()
    assert Notification.objects.filter(user=officer, title__contains="新的数据异议").exists()


def test_only_the_records_subject_may_object(citizen, person_factory, pop_base):
    stranger = person_factory(name="李四", level="L2")
    with pytest.raises(NotFound) as refused:
        file(stranger, pop_base, key=citizen.person.id_number)
    assert refused.value.code == "objections.record_not_found"
    assert not DataObjection.objects.exists()


def test_each_problem_is_told_at_once_and_nothing_is_saved(citizen, pop_base):
    with pytest.raises(DomainError) as refused:
        file(
            citizen,
            pop_base,
            proposed={
                "address": "海盐县武原街道旧址1号",  # the same as now
                "birth_date": "1986-13-40",
                "gender": "未知",
                "id_number": "330424199901010011",  # the key is not objected to here
            },
        )
    problems = refused.value.detail["fields"]
    assert set(problems) == {"address", "birth_date", "gender", "id_number"}
    assert "已是" in problems["address"] or "已经" in problems["address"]
    assert "男" in problems["gender"] and "女" in problems["gender"]
    assert refused.value.status == 422 and not DataObjection.objects.exists()

    with pytest.raises(DomainError) as refused:
        file(citizen, pop_base, statement="错")
    assert refused.value.code == "objections.statement_needed"
    with pytest.raises(DomainError) as refused:
        file(citizen, pop_base, proposed={})
    assert refused.value.code == "objections.no_fields"


def test_a_bad_evidence_file_is_refused(citizen, pop_base):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("证明.pdf", b"not a pdf at all", content_type="application/pdf")
    with pytest.raises(DomainError) as refused:
        file(citizen, pop_base, evidence=[fake])
    assert refused.value.code == "objections.upload_type" and refused.value.status == 415
    assert not DataObjection.objects.exists()


def test_one_open_objection_per_record(citizen, pop_base):
    first = file(citizen, pop_base)
    with pytest.raises(DomainError) as refused:
        file(citizen, pop_base, proposed={"phone": "13900002222"})
    assert refused.value.code == "objections.already_open" and refused.value.status == 409

    services.objection_withdraw(actor=citizen, objection=first)
    second = file(citizen, pop_base, proposed={"phone": "13900002222"})
    assert second.is_open


def test_upholding_corrects_the_population_registry(citizen, officer, pop_base):
    objection = file(
        citizen, pop_base, proposed={"address": "海盐县武原街道新桥北路8号", "gender": "男"}
    )
    Notification.objects.all().delete()

    services.objection_decide(
        actor=officer,
        objection=objection,
        upheld=True,
        note="经核对户籍档案，予以更正。",
        values={"gender": "女"},  # the officer keeps what the archive says
    )

    record = PopulationRecord.objects.get(id_number=citizen.person.id_number)
    assert record.address == "海盐县武原街道新桥北路8号" and record.gender == "female"
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.UPHELD and objection.corrected_here
    assert objection.corrected_values == {"address": "海盐县武原街道新桥北路8号", "gender": "女"}
    correction = AuditEntry.objects.get(action="registries.population.correct")
    assert correction.detail == {"fields": ["address"], "reason": objection.number}
    told = Notification.objects.get(user=citizen)
    assert objection.number in told.title and "已更正" in told.title


def test_upholding_corrects_imported_rows(citizen, insurance, staff_factory):
    from onetrip.datasets.models import DatasetRecord

    officer = staff_factory(department="县人力社保局", roles=("data_officer",)).user
    officer.staff.department = insurance.owner
    officer.staff.save()
    objection = file(citizen, insurance, proposed={"insured_since": "2009-07-01"})

    services.objection_decide(actor=officer, objection=objection, upheld=True)

    row = DatasetRecord.objects.get(dataset=insurance)
    assert row.data["insured_since"] == "2009-07-01" and row.data["employer"] == "海盐某厂"
    assert AuditEntry.objects.filter(action="datasets.record.correct").exists()


def test_a_value_that_does_not_fit_changes_nothing(citizen, officer, pop_base):
    objection = file(citizen, pop_base, proposed={"birth_date": "1986-05-14"})
    with pytest.raises(DomainError) as refused:
        services.objection_decide(
            actor=officer, objection=objection, upheld=True, values={"birth_date": "五月"}
        )
    assert refused.value.code == "datasets.invalid_value" and refused.value.status == 422
    objection.refresh_from_db()
    assert objection.is_open
    record = PopulationRecord.objects.get(id_number=citizen.person.id_number)
    assert record.birth_date == datetime.date(1986, 5, 4)


def test_refusing_needs_a_reason_and_leaves_the_record(citizen, officer, pop_base):
    objection = file(citizen, pop_base)
    with pytest.raises(DomainError) as refused:
        services.objection_decide(actor=officer, objection=objection, upheld=False)
    assert refused.value.code == "objections.reason_needed"

    services.objection_decide(
        actor=officer, objection=objection, upheld=False, note="户籍档案记载的住址与登记一致。"
    )
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.REJECTED
    assert PopulationRecord.objects.get(id_number=citizen.person.id_number).address == (
        "海盐县武原街道旧址1号"
    )
    told = Notification.objects.filter(user=citizen).latest("id")
    assert "户籍档案记载" in told.body

    with pytest.raises(DomainError) as again:
        services.objection_decide(actor=officer, objection=objection, upheld=True)
    assert again.value.code == "objections.already_decided" and again.value.status == 409


def test_only_the_owners_data_officers_answer(citizen, pop_base, staff_factory):
    objection = file(citizen, pop_base)
    reviewer = staff_factory(department="县公安局", roles=("reviewer",)).user
    other = staff_factory(department="县市场监管局", roles=("data_officer",)).user
    for actor in (reviewer, other, citizen):
        with pytest.raises(PermissionDenied):
            services.objection_decide(actor=actor, objection=objection, upheld=False, note="不行")
    objection.refresh_from_db()
    assert objection.is_open


def test_only_the_filer_withdraws(citizen, person_factory, pop_base):
    objection = file(citizen, pop_base)
    with pytest.raises(NotFound):
        services.objection_withdraw(actor=person_factory(name="李四"), objection=objection)
    services.objection_withdraw(actor=citizen, objection=objection)
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.WITHDRAWN
    assert AuditEntry.objects.filter(action="objections.withdraw").exists()


def test_a_credit_summary_is_corrected_at_its_source(citizen, department_factory, staff_factory):
    """The credit registry's rows are worked out from credit records: an upheld objection is
    recorded, and the department corrects the records themselves."""
    from onetrip.datasets.models import Dataset, DatasetField

    owner = department_factory(code="HY-FGJ", name="县发改局")
    dataset = Dataset.objects.create(
        code="CREDIT-BASE", name="公共信用", owner=owner, source="credit", key_field="id_number"
    )
    for position, name in enumerate(["id_number", "grade"]):
        DatasetField.objects.create(dataset=dataset, position=position, name=name, label=name)
    from onetrip.credit.services import credit_grade_set

    officer = staff_factory(department="县发改局", roles=("data_officer",)).user
    officer.staff.department = owner
    officer.staff.save()
    credit_grade_set(
        actor=officer,
        subject_type="person",
        subject_id=citizen.person.id_number,
        grade="C",
        reason="测试",
    )
    objection = file(citizen, dataset, proposed={"grade": "B"})
    services.objection_decide(actor=officer, objection=objection, upheld=True)
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.UPHELD and not objection.corrected_here


def test_officers_are_reminded_once_the_working_day_before(citizen, officer, pop_base):
    objection = file(citizen, pop_base)
    Notification.objects.all().delete()
    early = objection.due_on - datetime.timedelta(days=10)
    assert services.objections_remind_due(today=early) == 0

    assert services.objections_remind_due(today=objection.due_on) == 1
    assert services.objections_remind_due(today=objection.due_on) == 0
    reminder = Notification.objects.get(user=officer)
    assert objection.number in reminder.title


def test_a_household_region_is_written_by_name_and_read_by_name(citizen, officer, pop_base, region):
    from onetrip.objections.selectors import record_for_objection
    from onetrip.regions.models import Region

    town = Region.objects.create(code="330424001000", name="武原街道", level="town", parent=region)
    view = record_for_objection(user=citizen, code="POP-BASE", key=citizen.person.id_number)
    assert ("household_region", "户籍地", "海盐县") in view.rows  # the name, not 330424

    objection = file(citizen, pop_base, proposed={"household_region": "武原街道"})
    assert objection.items[0]["current"] == "海盐县"
    services.objection_decide(actor=officer, objection=objection, upheld=True)
    record = PopulationRecord.objects.get(id_number=citizen.person.id_number)
    assert record.household_region == town

    second = file(citizen, pop_base, proposed={"household_region": "不存在的街道"})
    with pytest.raises(DomainError) as refused:
        services.objection_decide(actor=officer, objection=second, upheld=True)
    assert refused.value.code == "datasets.invalid_value"
    assert PopulationRecord.objects.get(pk=record.pk).household_region == town


def test_figures_by_department_count_the_time_limit(citizen, officer, pop_base, staff_factory):
    from django.utils import timezone

    from onetrip.objections.selectors import figures_by_department

    late = file(citizen, pop_base)
    services.objection_decide(actor=officer, objection=late, upheld=True)
    DataObjection.objects.filter(pk=late.pk).update(
        decided_at=timezone.now() + datetime.timedelta(days=30)  # answered after its due date
    )
    on_time = file(citizen, pop_base, proposed={"phone": "13900002222"})
    services.objection_decide(actor=officer, objection=on_time, upheld=False, note="号码无误")
    waiting = file(citizen, pop_base, proposed={"phone": "13900003333"})
    DataObjection.objects.filter(pk=waiting.pk).update(due_on=datetime.date(2026, 1, 5))

    supervisor = staff_factory(department="县政府办公室", roles=("supervisor",)).user
    (row,) = figures_by_department(user=supervisor)
    assert row == {
        "department": "县公安局",
        "received": 3,
        "open": 1,
        "overdue": 1,
        "answered": 2,
        "on_time": 1,
        "upheld": 1,
        "on_time_rate": 50,
    }
    assert figures_by_department(user=officer) == [row]  # the officer's own department
    reviewer = staff_factory(department="县公安局", roles=("reviewer",)).user
    assert figures_by_department(user=reviewer) == []


def test_further_material_is_asked_once_and_stops_the_clock(citizen, officer, pop_base, png):
    from django.utils import timezone

    from onetrip.objections import selectors
    from onetrip.workdays.selectors import workday_add, working_days_between

    objection = file(citizen, pop_base)
    with pytest.raises(DomainError) as caught:
        services.objection_request_more(actor=officer, objection=objection, note=" ")
    assert caught.value.code == "objections.request_needed"
    with pytest.raises(NotFound):  # only the filer supplies
        services.objection_supply_more(actor=officer, objection=objection, note="x")
    with pytest.raises(DomainError) as caught:
        services.objection_supply_more(actor=citizen, objection=objection, note="x")
    assert caught.value.code == "objections.nothing_requested"

    services.objection_request_more(
        actor=officer, objection=objection, note="请提供新住址的房屋产权证明或租赁合同。"
    )
    objection.refresh_from_db()
    assert objection.awaiting_more and selectors.objection_colour(objection) == ""
    assert Notification.objects.filter(user=citizen, body__contains="租赁合同").exists()
    with pytest.raises(DomainError) as caught:  # once, with everything needed
        services.objection_request_more(actor=officer, objection=objection, note="再补一份")
    assert caught.value.code == "objections.more_already_requested"
    assert services.objections_remind_due(today=objection.due_on) == 0  # the clock stands still

    asked_on = timezone.localdate() - datetime.timedelta(days=9)  # the request waited
    DataObjection.objects.filter(pk=objection.pk).update(
        more_requested_at=timezone.now() - datetime.timedelta(days=9)
    )
    objection.refresh_from_db()
    due_before = objection.due_on
    with pytest.raises(DomainError) as caught:
        services.objection_supply_more(actor=citizen, objection=objection)
    assert caught.value.code == "objections.supply_needed"
    services.objection_supply_more(
        actor=citizen, objection=objection, note="附租赁合同。", evidence=[png]
    )
    objection.refresh_from_db()
    stopped, _provisional = working_days_between(asked_on, timezone.localdate())
    assert stopped >= 6 and objection.due_on == workday_add(due_before, stopped).date
    assert not objection.awaiting_more and objection.more_answer == "附租赁合同。"
    assert objection.evidence.count() == 1
    assert Notification.objects.filter(user=officer, title__contains="补充").exists()
    entry = AuditEntry.objects.get(action="objections.supply_more")
    assert entry.detail == {"files": 1, "stopped_working_days": stopped}
