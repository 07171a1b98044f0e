"""Proofs replaced by a written commitment (证明事项告知承诺制): offered by the guide, made by the
applicant (or a window clerk on their side) with their agreement, counted as supplied at
submission and acceptance, checked by the department after acceptance; an untrue commitment is a
serious bad-conduct credit record that closes commitments (and tolerated-missing intake) to the
subject until repaired."""

import datetime

import pytest
from django.urls import reverse

from onetrip.cases import notices, services
from onetrip.cases.models import (
    CaseCommitment,
    CaseEvent,
    CaseStatus,
    Channel,
    CommitmentOutcome,
)
from onetrip.core.errors import DomainError
from onetrip.core.models import AuditEntry
from onetrip.credit.models import CreditRecord
from onetrip.credit.selectors import credit_grade_get
from onetrip.credit.services import credit_grade_set
from onetrip.notify.models import Notification
from onetrip.workdays.selectors import workday_add

from .conftest import (
    COMMITMENT_PROOF,
    COMMITMENT_WORDING,
    GUIDE,
    draft_with,
    material_named,
    pdf,
)

pytestmark = pytest.mark.django_db

PROOF, WORDING = COMMITMENT_PROOF, COMMITMENT_WORDING


@pytest.fixture
def version(committable):
    return committable[0]


@pytest.fixture
def draft(committable):
    """A draft with the form filled and 申请书 uploaded; the proof is not there."""
    return committable[1]


def commit(case, actor, version, agreed=True):
    return services.case_commitment_make(
        actor=actor, case=case, matter_material=material_named(version, PROOF), agreed=agreed
    )


def accepted_with_commitment(draft, citizen, clerk, version):
    commit(draft, citizen, version)
    case = services.case_submit(actor=citizen, case=draft)
    return services.case_accept(actor=clerk, case=case)


def audit_actions(case) -> list[str]:
    return list(
        AuditEntry.objects.filter(target_id=case.number)
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_the_guide_offers_it_and_the_catalogue_keeps_the_wording(version, client):
    material = material_named(version, PROOF)
    assert material.commitment == WORDING
    assert material_named(version, "申请书").commitment == ""
    page = client.get(reverse("catalogue:detail", args=[version.matter.code])).content.decode()
    assert "可以告知承诺方式代替" in page and WORDING in page
    api = client.get(f"/api/v1/matters/{version.matter.code}").json()
    by_name = {m["name"]: m for m in api["materials"]}
    assert by_name[PROOF]["commitment"] == WORDING and by_name["申请书"]["commitment"] == ""


def test_a_pulled_material_cannot_offer_a_commitment(publish):
    materials = [
        {**m, "commitment": "本人承诺……"} if m["source"] == "registry" else m
        for m in [{"source": "none", **m} for m in GUIDE["materials"]]
    ]
    with pytest.raises(DomainError) as refused:
        publish(materials=materials)
    assert refused.value.code == "catalogue.invalid_guide"
    assert any(p["field"] == "commitment" for p in refused.value.detail["problems"])


def test_a_commitment_replaces_the_proof_through_submission_and_acceptance(
    draft, citizen, clerk, version, on_day
):
    with pytest.raises(DomainError) as without:
        services.case_submit(actor=citizen, case=draft)
    assert without.value.code == "cases.materials_missing"
    commitment = commit(draft, citizen, version)
    assert commitment.text == WORDING and commitment.made_by == citizen
    assert commitment.check_due_on is None  # counted from acceptance
    case = services.case_submit(actor=citizen, case=draft)
    assert case.status == CaseStatus.SUBMITTED
    day = datetime.date(2026, 9, 28)  # National Day's holidays follow: counted in working days
    on_day(day)
    case = services.case_accept(actor=clerk, case=case)
    assert not case.missing_materials.exists()  # not "accepted as missing": it was committed
    commitment.refresh_from_db()
    assert commitment.check_due_on == workday_add(day, 20).date == datetime.date(2026, 10, 30)
    assert "cases.application.commitment_make" in audit_actions(case)
    notice = case.notices.get(kind="acceptance")
    text = "".join(notices.notice_text(notice)["paragraphs"])
    assert f"将于 2026年10月30日 前核查：{PROOF}" in text and "信用档案" in text


def test_the_applicant_must_agree_and_may_take_it_back_while_a_draft(draft, citizen, version):
    with pytest.raises(DomainError) as unagreed:
        commit(draft, citizen, version, agreed=False)
    assert unagreed.value.code == "cases.commitment_not_agreed" and unagreed.value.status == 422
    commitment = commit(draft, citizen, version)
    with pytest.raises(DomainError) as twice:
        commit(draft, citizen, version)
    assert twice.value.code == "cases.commitment_made" and twice.value.status == 409
    services.case_commitment_withdraw(actor=citizen, case=draft, commitment=commitment)
    assert not CaseCommitment.objects.exists()
    with pytest.raises(DomainError) as missing:
        services.case_submit(actor=citizen, case=draft)
    assert missing.value.code == "cases.materials_missing"
    assert "cases.application.commitment_withdraw" in audit_actions(draft)
    commitment = commit(draft, citizen, version)
    services.case_submit(actor=citizen, case=draft)
    with pytest.raises(DomainError) as relied_on:
        services.case_commitment_withdraw(actor=citizen, case=draft, commitment=commitment)
    assert relied_on.value.code == "cases.wrong_status"
    assert CaseCommitment.objects.count() == 1


def test_only_what_the_guide_offers_and_only_the_applicants_side(
    draft, citizen, version, reviewer, person_factory
):
    with pytest.raises(DomainError) as not_offered:
        services.case_commitment_make(
            actor=citizen,
            case=draft,
            matter_material=material_named(version, "申请书"),
            agreed=True,
        )
    assert not_offered.value.code == "cases.commitment_not_offered"
    stranger = person_factory(name="王五", level="L2", phone="13800002222")
    with pytest.raises(DomainError) as foreign:
        commit(draft, stranger, version)
    assert foreign.value.status == 404
    with pytest.raises(DomainError) as reviewer_refused:
        commit(draft, reviewer, version)
    assert reviewer_refused.value.status == 403
    assert not CaseCommitment.objects.exists()


@pytest.mark.parametrize("grade", ["C", "D"])
def test_refused_to_subjects_with_serious_bad_credit(grade, draft, citizen, version, supervisor):
    credit_grade_set(
        actor=supervisor,
        subject_type="person",
        subject_id=citizen.person.id_number,
        grade=grade,
        reason="失信记录",
    )
    with pytest.raises(DomainError) as refused:
        commit(draft, citizen, version)
    assert refused.value.code == "cases.commitment_not_allowed"
    assert refused.value.detail == {"grade": grade}


def test_a_window_clerk_commits_for_the_applicant_at_the_counter(
    version, citizen, valid_form, clerk
):
    case = services.case_create(
        actor=clerk, version=version, channel=Channel.COUNTER, applicant=citizen
    )
    services.case_form_save(actor=clerk, case=case, data=valid_form)
    services.case_material_upload(
        actor=clerk,
        case=case,
        uploaded_file=pdf(),
        matter_material=material_named(version, "申请书"),
    )
    commitment = commit(case, clerk, version)
    assert commitment.made_by == clerk
    assert services.case_submit(actor=clerk, case=case).status == CaseStatus.SUBMITTED


def test_checked_true_is_recorded_in_the_history(draft, citizen, clerk, reviewer, version):
    case = accepted_with_commitment(draft, citizen, clerk, version)
    commitment = case.commitments.get()
    checked = services.case_commitment_check(
        actor=reviewer, case=case, commitment=commitment, outcome="confirmed"
    )
    assert checked.outcome == CommitmentOutcome.CONFIRMED and checked.checked_by == reviewer
    assert checked.credit_record is None and not CreditRecord.objects.exists()
    event = CaseEvent.objects.filter(application=case, action="commitment_check").get()
    assert PROOF in event.note and "核查属实" in event.note
    assert "cases.application.commitment_check" in audit_actions(case)
    with pytest.raises(DomainError) as again:
        services.case_commitment_check(
            actor=reviewer, case=case, commitment=commitment, outcome="untrue", note="x"
        )
    assert again.value.code == "cases.commitment_checked" and again.value.status == 409


def test_found_untrue_goes_into_the_credit_file_and_closes_commitments(
    draft, citizen, clerk, reviewer, version, valid_form, supervisor, client
):
    case = accepted_with_commitment(draft, citizen, clerk, version)
    commitment = case.commitments.get()
    with pytest.raises(DomainError) as no_note:
        services.case_commitment_check(
            actor=reviewer, case=case, commitment=commitment, outcome="untrue"
        )
    assert no_note.value.code == "cases.note_required"
    with pytest.raises(DomainError) as bad_outcome:
        services.case_commitment_check(
            actor=reviewer, case=case, commitment=commitment, outcome="maybe"
        )
    assert bad_outcome.value.code == "cases.commitment_outcome_invalid"
    services.case_commitment_check(
        actor=reviewer,
        case=case,
        commitment=commitment,
        outcome="untrue",
        note="现场核查：该场所为他人住宅，无使用权",
    )
    commitment.refresh_from_db()
    record = commitment.credit_record
    assert record.kind == "bad" and record.severity == "serious"
    assert record.subject_id == citizen.person.id_number and record.department == case.department
    assert case.number in record.description and "无使用权" in record.description
    assert (record.valid_until - record.decided_on).days == 1095
    told = Notification.objects.filter(user=citizen, title__contains="承诺").latest("id")
    assert "无使用权" in told.body and "信用" in told.body
    assert credit_grade_get("person", citizen.person.id_number) == "C"
    # The next application of the same person may no longer commit (nor be accepted with a
    # material missing) until the record is repaired.
    second = draft_with(version, citizen, valid_form, materials=("申请书",))
    with pytest.raises(DomainError) as closed:
        commit(second, citizen, version)
    assert closed.value.code == "cases.commitment_not_allowed"
    client.force_login(supervisor)
    figures = client.get("/api/v1/statistics?scope=county").json()["commitments"]
    assert figures == {"made": 1, "confirmed": 0, "untrue": 1, "open": 0}


def test_who_checks_and_when(draft, citizen, clerk, reviewer, other_reviewer, version):
    commitment = commit(draft, citizen, version)
    case = services.case_submit(actor=citizen, case=draft)
    with pytest.raises(DomainError) as early:
        services.case_commitment_check(
            actor=reviewer, case=case, commitment=commitment, outcome="confirmed"
        )
    assert early.value.code == "cases.commitment_not_due" and early.value.status == 409
    case = services.case_accept(actor=clerk, case=case)
    with pytest.raises(DomainError) as clerk_refused:
        services.case_commitment_check(
            actor=clerk, case=case, commitment=commitment, outcome="confirmed"
        )
    assert clerk_refused.value.status == 403
    with pytest.raises(DomainError) as other_department:
        services.case_commitment_check(
            actor=other_reviewer, case=case, commitment=commitment, outcome="confirmed"
        )
    assert other_department.value.status == 404
    with pytest.raises(DomainError) as applicant_refused:
        services.case_commitment_check(
            actor=citizen, case=case, commitment=commitment, outcome="confirmed"
        )
    assert applicant_refused.value.status in (403, 404)
    commitment.refresh_from_db()
    assert commitment.outcome == ""


def test_a_commitment_made_in_a_reviews_correction_is_due_from_its_making(
    draft, citizen, clerk, reviewer, version, on_day
):
    services.case_material_upload(
        actor=citizen,
        case=draft,
        uploaded_file=pdf(),
        matter_material=material_named(version, PROOF),
    )
    case = services.case_accept(actor=clerk, case=services.case_submit(actor=citizen, case=draft))
    case = services.case_step_complete(actor=reviewer, case=case)
    services.case_correction_request(
        actor=reviewer,
        case=case,
        note="场所证明不清晰",
        materials=[material_named(version, PROOF)],
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CORRECTION
    day = case.accepted_on + datetime.timedelta(days=3)
    on_day(day)
    commitment = commit(case, citizen, version)
    assert commitment.check_due_on == workday_add(day, 20).date
    # The commitment answers the correction in place of a new upload.
    case = services.case_correction_answer(actor=citizen, case=case)
    assert case.status == CaseStatus.IN_REVIEW


def test_over_the_portal_the_workbench_and_the_api(
    client, draft, citizen, clerk, reviewer, version, other_reviewer
):
    material = material_named(version, PROOF)
    detail = reverse("cases:detail", args=[draft.number])
    commit_url = reverse("cases:commitment", args=[draft.number])
    client.force_login(citizen)
    page = client.get(detail).content.decode()
    assert 'data-testid="commitment-offer"' in page and WORDING in page
    unticked = client.post(commit_url, {"material": material.pk})
    assert unticked.status_code == 422 and "勾选" in unticked.content.decode()
    assert not CaseCommitment.objects.exists()
    not_offered = client.post(
        commit_url, {"material": material_named(version, "申请书").pk, "agree": "yes"}
    )
    assert not_offered.status_code == 422
    made = client.post(commit_url, {"material": material.pk, "agree": "yes"})
    assert made.status_code == 302
    page = client.get(detail).content.decode()
    assert "已以告知承诺代替" in page and 'data-testid="commitment-offer"' not in page
    commitment = CaseCommitment.objects.get()
    taken_back = client.post(commit_url, {"commitment": commitment.pk, "withdraw": "1"})
    assert taken_back.status_code == 302 and not CaseCommitment.objects.exists()
    client.post(commit_url, {"material": material.pk, "agree": "yes"})
    assert client.post(reverse("cases:submit", args=[draft.number])).status_code == 302
    state = client.get(f"/api/v1/applications/{draft.number}/materials").json()
    proof = next(m for m in state if m["name"] == PROOF)
    assert proof["state"] == "committed" and proof["commitment"]["text"] == WORDING
    assert proof["commitment"]["check_due_on"] is None

    client.force_login(clerk)
    assert client.post(reverse("casework:action", args=[draft.number, "accept"])).status_code == 302
    commitment = CaseCommitment.objects.get()
    assert commitment.check_due_on is not None

    client.force_login(reviewer)
    home = client.get("/workbench/").content.decode()
    assert "待核查的告知承诺" in home
    listed = client.get(reverse("casework:list") + "?commitments=open").content.decode()
    assert draft.number in listed and 'data-testid="check-due"' in listed
    page = client.get(reverse("casework:detail", args=[draft.number])).content.decode()
    assert 'data-testid="commitment-check"' in page
    check_url = reverse("casework:action", args=[draft.number, "commitment-check"])
    no_note = client.post(check_url, {"commitment": commitment.pk, "outcome": "untrue"})
    assert no_note.status_code == 422 and "请填写核查发现的情况" in no_note.content.decode()
    done = client.post(check_url, {"commitment": commitment.pk, "outcome": "confirmed"})
    assert done.status_code == 302
    page = client.get(reverse("casework:detail", args=[draft.number])).content.decode()
    assert "已核查：属实" in page and 'data-testid="commitment-check"' not in page
    assert "待核查的告知承诺" not in client.get("/workbench/").content.decode()
    api = f"/api/v1/applications/{draft.number}/commitments/{commitment.pk}/check"
    again = client.post(api, {"outcome": "untrue", "note": "x"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "cases.commitment_checked"

    client.force_login(other_reviewer)
    foreign = client.post(api, {"outcome": "confirmed"}, content_type="application/json")
    assert foreign.status_code == 404
    client.force_login(clerk)
    refused = client.post(api, {"outcome": "confirmed"}, content_type="application/json")
    assert refused.status_code == 403
    client.logout()
    assert (
        client.post(api, {"outcome": "confirmed"}, content_type="application/json").status_code
        == 401
    )


def test_the_api_records_an_untrue_check(client, draft, citizen, clerk, reviewer, version):
    case = accepted_with_commitment(draft, citizen, clerk, version)
    commitment = case.commitments.get()
    client.force_login(reviewer)
    api = f"/api/v1/applications/{case.number}/commitments/{commitment.pk}/check"
    bad = client.post(api, {"outcome": "?"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["code"] == "cases.commitment_outcome_invalid"
    checked = client.post(
        api, {"outcome": "untrue", "note": "场所不存在"}, content_type="application/json"
    )
    assert checked.status_code == 200
    body = checked.json()
    assert body["outcome"] == "untrue" and body["note"] == "场所不存在" and body["checked_at"]
    assert CreditRecord.objects.filter(subject_id=citizen.person.id_number).count() == 1
    missing = client.post(
        f"/api/v1/applications/{case.number}/commitments/999999/check",
        {"outcome": "confirmed"},
        content_type="application/json",
    )
    assert missing.status_code == 404


def test_at_the_counter_the_clerk_records_the_signed_commitment(
    client, version, citizen, valid_form, clerk
):
    case = services.case_create(
        actor=clerk, version=version, channel=Channel.COUNTER, applicant=citizen
    )
    services.case_form_save(actor=clerk, case=case, data=valid_form)
    client.force_login(clerk)
    page = client.get(reverse("casework:detail", args=[case.number])).content.decode()
    assert "申请人已阅读、签字并作出上述承诺" in page
    url = reverse("casework:action", args=[case.number, "commitment"])
    made = client.post(url, {"material": material_named(version, PROOF).pk, "agree": "yes"})
    assert made.status_code == 302
    assert CaseCommitment.objects.get(application=case).made_by == clerk
    page = client.get(reverse("casework:detail", args=[case.number])).content.decode()
    assert "已作出承诺，该材料无需提交。" in page and "已以告知承诺代替" in page
    commitment = CaseCommitment.objects.get(application=case)
    back = client.post(url, {"commitment": commitment.pk, "withdraw": "1"})
    assert back.status_code == 302 and not CaseCommitment.objects.filter(application=case).exists()
    unknown = client.post(url, {"commitment": "999999", "withdraw": "1"})
    assert unknown.status_code == 404
