"""The case life cycle through the services: transitions, rules, time limits, permissions."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onetrip.cases import selectors, services
from onetrip.cases.models import CaseEvent, CaseStatus, Channel, MissingMaterial
from onetrip.core import audit
from onetrip.core.errors import DomainError, NotFound, PermissionDenied
from onetrip.core.models import AuditEntry
from onetrip.credit.services import credit_grade_set
from onetrip.notify.models import Notification
from onetrip.workdays.selectors import workday_add

from .conftest import GUIDE, PDF, draft_with, material_named, pdf, png

pytestmark = pytest.mark.django_db(transaction=True)


def test_life_cycle_from_draft_to_delivery(submitted, clerk, reviewer, citizen):
    case = submitted
    assert case.number.startswith(f"{datetime.date.today().year}-330424-")
    assert case.status == CaseStatus.SUBMITTED and case.channel == Channel.ONLINE
    assert case.trips == 0
    case = services.case_accept(actor=clerk, case=case)
    today = services._today()
    assert case.status == CaseStatus.ACCEPTED
    assert case.accepted_on == today
    assert case.deadline_on == workday_add(today, 5).date
    assert case.current_step_name == "审查"  # the guide's "accept" step is done by acceptance
    case = services.case_step_complete(actor=reviewer, case=case, note="材料齐全")
    assert case.status == CaseStatus.IN_REVIEW and case.current_step_name == "现场核查"
    with pytest.raises(DomainError) as early:
        services.case_approve(actor=reviewer, case=case)
    assert early.value.code == "cases.steps_open"
    case = services.case_step_complete(actor=reviewer, case=case)
    assert case.at_decision and case.current_step_name == "决定"
    case = services.case_approve(actor=reviewer, case=case, note="准予许可")
    assert case.status == CaseStatus.APPROVED and case.finished_at is not None
    case = services.case_result_issue(actor=reviewer, case=case)
    with pytest.raises(DomainError) as no_tracking:
        services.case_deliver(actor=clerk, case=case, method="posted")
    assert no_tracking.value.code == "cases.tracking_needed"
    case = services.case_deliver(
        actor=clerk, case=case, method="posted", tracking_number="SF1234567890"
    )
    assert case.status == CaseStatus.DELIVERED and case.tracking_number == "SF1234567890"
    assert case.trips == 0  # online and posted: no trip at all

    history = list(CaseEvent.objects.filter(application=case).values_list("to_status", flat=True))
    assert history == [
        "draft",
        "submitted",
        "accepted",
        "in_review",
        "in_review",
        "approved",
        "result_issued",
        "delivered",
    ]
    actions = set(AuditEntry.objects.filter(target_id=case.number).values_list("action", flat=True))
    assert {
        "cases.application.accept",
        "cases.application.approve",
        "cases.application.deliver",
    } <= actions
    titles = list(Notification.objects.filter(user=citizen).values_list("title", flat=True))
    assert len(titles) == 7 and all(case.number in title for title in titles)


def test_notification_waits_for_commit(submitted, clerk, citizen):
    before = Notification.objects.filter(user=citizen).count()
    services.case_accept(actor=clerk, case=submitted)
    assert Notification.objects.filter(user=citizen).count() == before + 1


def test_form_is_checked_on_the_server_per_field(version, citizen, valid_form):
    case = services.case_create(actor=citizen, version=version)
    bad = {
        **valid_form,
        "capital": "很多",
        "opening_on": "5月1日",
        "kind": "合伙",
        "owner_id": "330424199001011230",
        "phone": "12345",
    }
    with pytest.raises(DomainError) as refused:
        services.case_form_save(actor=citizen, case=case, data=bad)
    assert refused.value.status == 422
    assert set(refused.value.detail) == {"capital", "opening_on", "kind", "owner_id", "phone"}
    case.refresh_from_db()
    assert case.form_data == {}  # nothing half-saved
    services.case_form_save(actor=citizen, case=case, data={"business_name": "小店"})
    with pytest.raises(DomainError) as incomplete:
        services.case_submit(actor=citizen, case=case)
    assert incomplete.value.code == "cases.form_invalid"
    assert "kind" in incomplete.value.detail and "business_name" not in incomplete.value.detail
    services.case_form_save(actor=citizen, case=case, data=valid_form)
    with pytest.raises(DomainError) as no_files:
        services.case_submit(actor=citizen, case=case)
    assert no_files.value.code == "cases.materials_missing"
    assert no_files.value.detail == {"materials": ["申请书"]}  # the tolerable one may wait
    case.refresh_from_db()
    assert case.form_data["capital"] == 3.5 and case.status == CaseStatus.DRAFT


def test_correction_is_requested_once(submitted, clerk, citizen, version):
    material = material_named(version, "申请书")
    services.case_correction_request(
        actor=clerk, case=submitted, materials=[material], note="申请书未签字"
    )
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.CORRECTION
    with pytest.raises(DomainError) as not_yet:
        services.case_correction_answer(actor=citizen, case=submitted)
    assert not_yet.value.code == "cases.materials_missing"
    services.case_material_upload(
        actor=citizen, case=submitted, uploaded_file=pdf("signed.pdf"), matter_material=material
    )
    case = services.case_correction_answer(actor=citizen, case=submitted, note="已签字")
    assert case.status == CaseStatus.SUBMITTED
    with pytest.raises(DomainError) as again:
        services.case_correction_request(actor=clerk, case=case, note="还有问题")
    assert again.value.code == "cases.correction_used" and again.value.status == 409


def test_clock_stops_during_correction_and_the_deadline_moves(
    submitted, clerk, reviewer, citizen, version, on_day
):
    on_day(datetime.date(2026, 9, 28))  # Monday before National Day
    case = services.case_accept(actor=clerk, case=submitted)
    # 9-29, 9-30, (10-1…10-7 holiday), 10-8, 10-9, 10-10 (Saturday, an adjusted workday)
    assert case.deadline_on == datetime.date(2026, 10, 10)
    services.case_correction_request(
        actor=reviewer, case=case, materials=[material_named(version, "申请书")], note="补签"
    )
    on_day(datetime.date(2026, 10, 8))  # answered after the holiday: 9-29, 9-30, 10-8 stopped
    services.case_material_upload(
        actor=citizen,
        case=case,
        uploaded_file=pdf(),
        matter_material=material_named(version, "申请书"),
    )
    case = services.case_correction_answer(actor=citizen, case=case)
    assert case.status == CaseStatus.ACCEPTED
    assert case.pauses.get().working_days == 3
    assert case.deadline_on == workday_add(datetime.date(2026, 10, 10), 3).date
    assert case.deadline_on == datetime.date(2026, 10, 14)


def test_statutory_suspension_stops_the_clock(submitted, clerk, reviewer, on_day):
    on_day(datetime.date(2026, 3, 2))
    case = services.case_accept(actor=clerk, case=submitted)
    assert case.deadline_on == datetime.date(2026, 3, 9)
    services.case_suspend(actor=reviewer, case=case, reason="组织听证")
    on_day(datetime.date(2026, 3, 6))
    case = services.case_resume(actor=reviewer, case=case)
    assert case.deadline_on == datetime.date(2026, 3, 13)  # four working days later


def test_scope_other_department_is_a_404_and_roles_are_checked(
    submitted, other_reviewer, clerk, reviewer, supervisor, person_factory
):
    with pytest.raises(NotFound):
        selectors.case_get(user=other_reviewer, number=submitted.number)
    with pytest.raises(NotFound):
        services.case_accept(actor=other_reviewer, case=submitted)
    stranger = person_factory(name="王五", level="L2")
    with pytest.raises(NotFound):
        selectors.case_get(user=stranger, number=submitted.number)
    with pytest.raises(PermissionDenied):
        services.case_accept(actor=reviewer, case=submitted)  # a reviewer does not take in
    assert selectors.case_get(user=supervisor, number=submitted.number) == submitted
    case = services.case_accept(actor=clerk, case=submitted)
    for _step in range(2):
        with pytest.raises(PermissionDenied):
            services.case_step_complete(actor=clerk, case=case)
        case = services.case_step_complete(actor=reviewer, case=case)
    with pytest.raises(PermissionDenied):
        services.case_approve(actor=clerk, case=case)
    assert submitted.number not in {
        c.number for c in selectors.case_list_for_staff(user=other_reviewer)
    }


def test_refused_uploads_change_nothing(version, citizen, valid_form, settings):
    case = services.case_create(actor=citizen, version=version)
    services.case_form_save(actor=citizen, case=case, data=valid_form)
    kept = services.case_material_upload(
        actor=citizen,
        case=case,
        uploaded_file=png(),
        matter_material=material_named(version, "申请书"),
    )
    with pytest.raises(DomainError) as wrong_type:
        services.case_material_upload(
            actor=citizen, case=case, uploaded_file=pdf("virus.exe", b"MZ\x90\x00")
        )
    assert wrong_type.value.status == 415
    with pytest.raises(DomainError) as disguised:
        services.case_material_upload(
            actor=citizen, case=case, uploaded_file=pdf("fake.pdf", b"<html>not a pdf</html>")
        )
    assert disguised.value.status == 415
    settings.ONETRIP_CASE_UPLOAD_MAX_BYTES = 1024
    with pytest.raises(DomainError) as too_big:
        services.case_material_upload(
            actor=citizen, case=case, uploaded_file=pdf("big.pdf", PDF + b"0" * 2048)
        )
    assert too_big.value.status == 413
    assert list(case.materials.all()) == [kept]
    case.refresh_from_db()
    assert case.form_data["business_name"] == "海盐李四小吃店"
    assert kept.file.name.startswith("cases/") and "申请" not in kept.file.name
    assert kept.file.read().startswith(b"\x89PNG")


def _submitted_without_tolerable(version, citizen, valid_form):
    case = draft_with(version, citizen, valid_form, materials=("申请书",))
    return services.case_submit(actor=citizen, case=case)


@pytest.mark.parametrize("grade", ["A", "B", None])
def test_tolerated_missing_for_good_credit(
    grade, version, citizen, valid_form, clerk, reviewer, supervisor
):
    if grade:
        credit_grade_set(
            actor=supervisor,
            subject_type="person",
            subject_id=citizen.person.id_number,
            grade=grade,
            reason="测试",
        )
    case = _submitted_without_tolerable(version, citizen, valid_form)
    case = services.case_accept(actor=clerk, case=case)
    missing = MissingMaterial.objects.get(application=case)
    assert missing.matter_material.name == "经营场所使用证明"
    assert missing.credit_grade == (grade or "B")
    assert missing.due_on == workday_add(case.accepted_on, 5).date
    for _step in range(2):
        case = services.case_step_complete(actor=reviewer, case=case)
    with pytest.raises(DomainError) as waiting:
        services.case_approve(actor=reviewer, case=case)
    assert waiting.value.code == "cases.missing_not_supplied"
    services.case_missing_supply(actor=citizen, case=case, missing=missing, uploaded_file=pdf())
    missing.refresh_from_db()
    assert missing.supplied_at is not None
    assert services.case_approve(actor=reviewer, case=case).status == CaseStatus.APPROVED


@pytest.mark.parametrize("grade", ["C", "D"])
def test_tolerated_missing_refused_for_poor_credit(
    grade, version, citizen, valid_form, clerk, supervisor
):
    credit_grade_set(
        actor=supervisor,
        subject_type="person",
        subject_id=citizen.person.id_number,
        grade=grade,
        reason="失信记录",
    )
    case = _submitted_without_tolerable(version, citizen, valid_form)
    with pytest.raises(DomainError) as refused:
        services.case_accept(actor=clerk, case=case)
    assert refused.value.code == "cases.tolerance_not_allowed"
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and not case.missing_materials.exists()


def test_colours_across_national_day(
    submitted, clerk, head, other_reviewer, supervisor, on_day, staff_factory
):
    on_day(datetime.date(2026, 9, 23))
    case = services.case_accept(actor=clerk, case=submitted)
    # 9-24, (9-25 Mid-Autumn, weekend), 9-28, 9-29, 9-30, (10-1…10-7 National Day), 10-8
    assert case.deadline_on == datetime.date(2026, 10, 8)

    def colour(day):
        return selectors.case_colour(case, today=day)

    # Due 10-8: yellow already on 9-30, the last working day before it; red from 10-9.
    assert colour(datetime.date(2026, 9, 29)) == "green"
    assert colour(datetime.date(2026, 9, 30)) == "yellow"
    assert colour(datetime.date(2026, 10, 5)) == "yellow"
    assert colour(datetime.date(2026, 10, 8)) == "yellow"
    assert colour(datetime.date(2026, 10, 9)) == "red"

    listed, _today, cutoff = selectors.case_list_for_supervision(
        user=supervisor, today=datetime.date(2026, 9, 30)
    )
    assert cutoff == datetime.date(2026, 10, 8)
    assert [(c.number, c.colour) for c in listed] == [(case.number, "yellow")]
    assert [
        c.number
        for c in selectors.case_list_for_supervision(user=head, today=datetime.date(2026, 9, 30))[0]
    ] == [case.number]
    other_head = staff_factory(department="县卫生健康局", roles=("department_head",)).user
    assert (
        selectors.case_list_for_supervision(user=other_head, today=datetime.date(2026, 9, 30))[0]
        == []
    )
    with pytest.raises(PermissionDenied):
        selectors.case_list_for_supervision(user=other_reviewer)


def test_supervision_list_uses_the_status_deadline_index(db):
    from django.db import connection

    from onetrip.cases.models import Application

    queryset = Application.objects.filter(
        status__in=["accepted", "in_review"], deadline_on__lte=datetime.date(2026, 10, 8)
    ).order_by("deadline_on", "id")
    plan = queryset.explain()
    if connection.vendor == "sqlite":
        assert "case_status_deadline_idx" in plan or "case_dept_status_idx" in plan
    else:  # PostgreSQL may choose a seq scan on an empty table; the index must exist.
        with connection.cursor() as cursor:
            indexes = connection.introspection.get_constraints(cursor, "cases_application")
        assert indexes["case_status_deadline_idx"]["columns"] == ["status", "deadline_on"]


def test_reminder_task_tells_reviewers_and_heads(submitted, clerk, reviewer, head, on_day):
    from onetrip.cases.tasks import supervision_remind

    on_day(datetime.date(2026, 9, 23))
    services.case_accept(actor=clerk, case=submitted)
    assert supervision_remind("2026-09-28") == 0  # green
    assert supervision_remind("2026-10-09") == 2
    message = Notification.objects.filter(user=head).latest("created_at")
    assert "1" in message.title and message.link == "/workbench/cases/supervision/"
    assert not Notification.objects.filter(user=clerk).exists()


def test_counter_intake_by_a_general_window_clerk(
    version, citizen, valid_form, staff_factory, reviewer
):
    general = staff_factory(department="县行政服务中心", roles=("window_clerk",)).user
    case = services.case_create(
        actor=general, version=version, channel=Channel.COUNTER, applicant=citizen
    )
    assert case.trips == 1 and case.intake_clerk == general
    assert case.department == reviewer.staff.department  # dispatched to the department
    services.case_form_save(actor=general, case=case, data=valid_form)
    for name in ("申请书", "经营场所使用证明"):
        services.case_material_upload(
            actor=general,
            case=case,
            uploaded_file=pdf(),
            matter_material=material_named(version, name),
        )
    services.case_submit(actor=general, case=case)
    case = services.case_accept(actor=general, case=case)
    assert case.status == CaseStatus.ACCEPTED
    assert selectors.case_get(user=reviewer, number=case.number) == case
    with pytest.raises(PermissionDenied):
        services.case_create(
            actor=reviewer, version=version, channel=Channel.COUNTER, applicant=citizen
        )


def test_legal_person_subject_needs_standing(version, citizen):
    with pytest.raises(PermissionDenied) as refused:
        services.case_create(actor=citizen, version=version, uscc="91330424MA2B3C4D5E")
    assert refused.value.code == "cases.no_standing"


def test_a_case_keeps_its_version(submitted, reviewer, supervisor):
    from onetrip.catalogue import services as catalogue

    matter = submitted.matter_version.matter
    draft = catalogue.matter_draft_edit(actor=reviewer, matter=matter, guide={"promised_days": 3})
    catalogue.matter_version_publish(actor=supervisor, version=draft)
    submitted.refresh_from_db()
    assert submitted.matter_version.promised_days == 5
    assert submitted.matter_version.number == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's commit")
def test_a_submission_returns_once_its_commit_is_on_disk(ready_draft, citizen):
    """The submission frees the audit chain's head at commit without waiting for the log's
    flush, and waits for it before it returns (core.audit, tested there)."""
    with CaptureQueriesContext(connection) as queries:
        services.case_submit(actor=citizen, case=ready_draft)
    seen = [query["sql"] for query in queries.captured_queries]
    assert seen[-1] == audit.AWAIT_LOG_FLUSH_SQL
    assert any("set_config('synchronous_commit', 'off', true)" in sql for sql in seen)
    assert seen.count(audit.AWAIT_LOG_FLUSH_SQL) == 1


def test_a_new_case_starts_with_what_the_platform_knows_filled_in(publish, citizen):
    schema = [
        {**field, "prefill": source}
        for field, source in zip(
            GUIDE["form_schema"][4:],
            ("applicant.id_number", "applicant.phone"),
            strict=True,
        )
    ]
    schema.append(
        {"name": "applicant_name", "label": "姓名", "type": "text", "prefill": "applicant.name"}
    )
    version = publish(form_schema=[*GUIDE["form_schema"][:4], *schema])
    case = services.case_create(actor=citizen, version=version)
    assert case.form_data == {
        "owner_id": citizen.person.id_number,
        "phone": "13800001111",
        "applicant_name": "李四",
    }
    case.refresh_from_db()
    assert case.form_data["applicant_name"] == "李四"  # saved, not only shown


def test_prefill_for_a_legal_person_and_values_a_field_would_refuse_are_left_out(
    publish, person_factory
):
    from onetrip.accounts.services import legal_person_register
    from onetrip.accounts.validators import uscc_check_char

    owner = person_factory(name="王五", level="L2", phone="13800002222")
    uscc = "91330424MA2B0000C" + uscc_check_char("91330424MA2B0000C")
    legal_person_register(
        uscc=uscc,
        name="海盐王五餐饮有限公司",
        entity_type="有限责任公司",
        representative=owner.person,
    )
    version = publish(
        applicant_kind="legal",
        form_schema=[
            {"name": "entity_name", "label": "单位名称", "type": "text", "prefill": "entity.name"},
            {"name": "uscc", "label": "统一社会信用代码", "type": "uscc", "prefill": "entity.uscc"},
            {
                "name": "legal_representative",
                "label": "法定代表人",
                "type": "text",
                "prefill": "entity.legal_representative",
            },
            # An ID-number field fed a phone number: refused by its type, so left empty.
            {
                "name": "other_id",
                "label": "证件号",
                "type": "id_number",
                "prefill": "applicant.phone",
            },
        ],
    )
    case = services.case_create(actor=owner, version=version, uscc=uscc)
    assert case.form_data == {
        "entity_name": "海盐王五餐饮有限公司",
        "uscc": uscc,
        "legal_representative": "王五",
    }
