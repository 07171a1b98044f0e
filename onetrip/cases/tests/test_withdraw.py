"""Withdrawal of an application by its applicant (撤回申请): through the service, the API and the
portal and workbench pages. Allowed while the case is submitted and not decided yet; closed
without a decision, so e-supervision no longer watches it."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from onetrip.cases import selectors, services
from onetrip.cases.models import (
    WITHDRAWAL_REASON_MAX_LENGTH,
    Application,
    CaseEvent,
    CasePause,
    CaseStatus,
    MissingMaterial,
)
from onetrip.conftest import wait_for_sms_text
from onetrip.core.errors import DomainError, NotFound, PermissionDenied
from onetrip.core.models import AuditEntry
from onetrip.notify.models import Notification

from .conftest import draft_with, material_named, pdf

pytestmark = pytest.mark.django_db(transaction=True)

REASON = "经营场所另有安排，暂不开业"


def _accepted(case, clerk):
    return services.case_accept(actor=clerk, case=case)


def _in_review(case, clerk, reviewer):
    return services.case_step_complete(actor=reviewer, case=_accepted(case, clerk))


def _at_decision(case, clerk, reviewer):
    case = _in_review(case, clerk, reviewer)
    return services.case_step_complete(actor=reviewer, case=case)


def bring_to(status: str, *, case, clerk, reviewer, citizen):
    """Move a submitted case to `status` through the services, as staff would."""
    if status == CaseStatus.SUBMITTED:
        return case
    if status == CaseStatus.ACCEPTED:
        return _accepted(case, clerk)
    if status == CaseStatus.CORRECTION:
        services.case_correction_request(
            actor=clerk, case=_accepted(case, clerk), note="申请书未签字"
        )
        return Application.objects.get(pk=case.pk)
    if status == CaseStatus.IN_REVIEW:
        return _in_review(case, clerk, reviewer)
    if status == CaseStatus.SUSPENDED:
        return services.case_suspend(actor=reviewer, case=_accepted(case, clerk), reason="听证")
    if status == CaseStatus.NOT_ACCEPTED:
        return services.case_not_accept(actor=clerk, case=case, reason="不属于本部门职权")
    if status == CaseStatus.DENIED:
        return services.case_deny(
            actor=reviewer, case=_at_decision(case, clerk, reviewer), reason="条件不符"
        )
    case = services.case_approve(actor=reviewer, case=_at_decision(case, clerk, reviewer))
    if status == CaseStatus.APPROVED:
        return case
    case = services.case_result_issue(actor=reviewer, case=case)
    if status == CaseStatus.RESULT_ISSUED:
        return case
    case = services.case_deliver(actor=clerk, case=case, method="electronic")
    if status == CaseStatus.DELIVERED:
        return case
    assert status == CaseStatus.RATED
    return services.case_mark_rated(actor=citizen, case=case, level=5)


# --- the service ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status",
    [
        CaseStatus.SUBMITTED,
        CaseStatus.ACCEPTED,
        CaseStatus.CORRECTION,
        CaseStatus.IN_REVIEW,
        CaseStatus.SUSPENDED,
    ],
)
def test_the_applicant_withdraws_an_undecided_case(
    status, submitted, clerk, reviewer, citizen, sms_outbox
):
    case = bring_to(status, case=submitted, clerk=clerk, reviewer=reviewer, citizen=citizen)
    assert case.status == status and services.case_is_withdrawable(case)

    case = services.case_withdraw(actor=citizen, case=case, reason=f"  {REASON}\n")

    case.refresh_from_db()
    assert case.status == CaseStatus.WITHDRAWN
    assert case.withdrawal_reason == REASON and case.withdrawn_at is not None
    assert case.finished_at is None and case.finished_on is None  # no decision was made
    assert not services.case_is_withdrawable(case)
    event = CaseEvent.objects.filter(application=case).latest("id")
    assert (event.action, event.from_status, event.to_status, event.note) == (
        "withdraw",
        status,
        CaseStatus.WITHDRAWN,
        REASON,
    )
    assert event.actor_id == citizen.pk
    entry = AuditEntry.objects.get(target_id=case.number, action="cases.application.withdraw")
    assert entry.actor_id == citizen.pk and entry.target_type == "cases.application"
    assert entry.subject_id == case.subject_id
    assert entry.detail == {"status": "withdrawn", "from_status": status, "reason": REASON}
    notice = Notification.objects.filter(user=citizen).latest("id")
    assert case.number in notice.title and notice.body == REASON
    assert notice.link == reverse("cases:detail", args=[case.number])
    assert wait_for_sms_text(sms_outbox, "13800001111", REASON)
    # Staff are not messaged by any transition; they see the status on their lists.
    assert not Notification.objects.filter(user__in=[clerk, reviewer]).exists()
    # Any clock stop (correction after acceptance, suspension) ends with the withdrawal.
    assert not CasePause.objects.filter(application=case, ended_on__isnull=True).exists()


@pytest.mark.parametrize(
    "status",
    [
        CaseStatus.NOT_ACCEPTED,
        CaseStatus.APPROVED,
        CaseStatus.DENIED,
        CaseStatus.RESULT_ISSUED,
        CaseStatus.DELIVERED,
        CaseStatus.RATED,
    ],
)
def test_a_decided_case_cannot_be_withdrawn(status, submitted, clerk, reviewer, citizen):
    case = bring_to(status, case=submitted, clerk=clerk, reviewer=reviewer, citizen=citizen)
    assert case.status == status and not services.case_is_withdrawable(case)
    events = CaseEvent.objects.filter(application=case).count()
    with pytest.raises(DomainError) as refused:
        services.case_withdraw(actor=citizen, case=case, reason=REASON)
    assert refused.value.code == "cases.not_withdrawable" and refused.value.status == 409
    assert refused.value.detail["status"] == status
    case.refresh_from_db()
    assert case.status == status and case.withdrawal_reason == "" and case.withdrawn_at is None
    assert CaseEvent.objects.filter(application=case).count() == events
    assert not AuditEntry.objects.filter(action="cases.application.withdraw").exists()


def test_a_draft_and_a_withdrawn_case_cannot_be_withdrawn(version, citizen, submitted):
    draft = services.case_create(actor=citizen, version=version)
    with pytest.raises(DomainError) as not_submitted:
        services.case_withdraw(actor=citizen, case=draft, reason=REASON)
    assert not_submitted.value.code == "cases.not_withdrawable"
    assert not services.case_is_withdrawable(draft)
    services.case_withdraw(actor=citizen, case=submitted, reason=REASON)
    with pytest.raises(DomainError) as twice:
        services.case_withdraw(actor=citizen, case=submitted, reason="再撤一次")
    assert twice.value.code == "cases.not_withdrawable"
    assert Application.objects.get(pk=submitted.pk).withdrawal_reason == REASON


def test_the_reason_is_required_and_bounded(submitted, citizen):
    for empty in ("", "   \n"):
        with pytest.raises(DomainError) as refused:
            services.case_withdraw(actor=citizen, case=submitted, reason=empty)
        assert refused.value.code == "cases.reason_needed" and refused.value.status == 422
    too_long = "撤" * (WITHDRAWAL_REASON_MAX_LENGTH + 1)
    with pytest.raises(DomainError) as long_refused:
        services.case_withdraw(actor=citizen, case=submitted, reason=too_long)
    assert long_refused.value.code == "cases.reason_too_long" and long_refused.value.status == 422
    assert Application.objects.get(pk=submitted.pk).status == CaseStatus.SUBMITTED
    longest = "撤" * WITHDRAWAL_REASON_MAX_LENGTH
    case = services.case_withdraw(actor=citizen, case=submitted, reason=longest)
    assert Application.objects.get(pk=case.pk).withdrawal_reason == longest


def test_who_may_withdraw(submitted, person_factory, other_reviewer, reviewer, clerk, citizen):
    stranger = person_factory(name="王五", level="L2")
    with pytest.raises(NotFound):  # another citizen: the case does not exist for them
        services.case_withdraw(actor=stranger, case=submitted, reason=REASON)
    with pytest.raises(NotFound):  # staff of another department
        services.case_withdraw(actor=other_reviewer, case=submitted, reason=REASON)
    with pytest.raises(PermissionDenied):  # a reviewer in scope does not act for applicants
        services.case_withdraw(actor=reviewer, case=submitted, reason=REASON)
    assert Application.objects.get(pk=submitted.pk).status == CaseStatus.SUBMITTED

    # a window clerk of the department, on the applicant's side (the applicant at the counter)
    case = services.case_withdraw(actor=clerk, case=submitted, reason="申请人到窗口申请撤回")
    assert case.status == CaseStatus.WITHDRAWN
    entry = AuditEntry.objects.get(target_id=case.number, action="cases.application.withdraw")
    assert entry.actor_id == clerk.pk
    notice = Notification.objects.filter(title__contains=case.number).latest("id")
    assert notice.user_id == citizen.pk  # the applicant is told, not the clerk


def test_a_part_of_a_bundle_is_not_withdrawn_on_its_own(submitted, citizen):
    Application.objects.filter(pk=submitted.pk).update(bundle_ref="B-2026-000001")
    submitted.refresh_from_db()
    assert not services.case_is_withdrawable(submitted)
    with pytest.raises(DomainError) as refused:
        services.case_withdraw(actor=citizen, case=submitted, reason=REASON)
    assert refused.value.code == "cases.bundle_part" and refused.value.status == 409


def test_a_withdrawn_case_leaves_e_supervision(submitted, clerk, head, supervisor, on_day):
    from onetrip.cases.tasks import supervision_remind

    on_day(datetime.date(2026, 3, 2))
    case = services.case_accept(actor=clerk, case=submitted)
    assert case.deadline_on == datetime.date(2026, 3, 9)
    overdue = datetime.date(2026, 3, 10)
    listed = selectors.case_page_for_supervision(user=supervisor, today=overdue)
    assert [(c.number, c.colour) for c in listed.cases] == [(case.number, "red")]
    assert selectors.case_colour(case, today=overdue) == "red"

    case = services.case_withdraw(actor=case.applicant, case=case, reason=REASON)

    for user in (supervisor, head):
        result = selectors.case_page_for_supervision(user=user, today=overdue)
        assert result.cases == [] and (result.red, result.yellow) == (0, 0)
    assert selectors.case_colour(case, today=overdue) == ""
    assert supervision_remind("2026-03-10") == 0
    assert not Notification.objects.filter(user=head).exists()


# --- the API ----------------------------------------------------------------------------------


def _withdraw_api(client, number, auth, body=None):
    return client.post(
        f"/api/v1/applications/{number}/withdraw",
        data={"reason": REASON} if body is None else body,
        content_type="application/json",
        **auth,
    )


def test_api_withdraws_with_a_bearer_token(client, submitted, citizen, token_for):
    auth = token_for(citizen)
    response = _withdraw_api(client, submitted.number, auth)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["number"] == submitted.number and body["status"] == "withdrawn"
    assert body["status_label"] == "已撤回"
    assert body["withdrawal_reason"] == REASON and body["withdrawn_at"]
    assert body["colour"] is None and body["finished_at"] is None
    shown = client.get(f"/api/v1/applications/{submitted.number}", **auth).json()
    assert shown["status"] == "withdrawn" and shown["withdrawal_reason"] == REASON

    again = _withdraw_api(client, submitted.number, auth)
    assert again.status_code == 409 and again.json()["code"] == "cases.not_withdrawable"
    assert "撤回" in again.json()["message"]
    assert CaseEvent.objects.filter(application=submitted, action="withdraw").count() == 1


def test_api_refuses_bad_input_with_a_code(
    client,
    submitted,
    version,
    citizen,
    reviewer,
    person_factory,
    other_reviewer,
    token_for,
):
    auth = token_for(citizen)
    for body in ({"reason": ""}, {"reason": "   "}, {}):
        empty = _withdraw_api(client, submitted.number, auth, body)
        assert empty.status_code == 422 and empty.json()["code"] == "cases.reason_needed"
    too_long = _withdraw_api(
        client, submitted.number, auth, {"reason": "撤" * (WITHDRAWAL_REASON_MAX_LENGTH + 1)}
    )
    assert too_long.status_code == 422 and too_long.json()["code"] == "cases.reason_too_long"
    draft = services.case_create(actor=citizen, version=version)
    not_submitted = _withdraw_api(client, draft.number, auth)
    assert not_submitted.status_code == 409
    assert not_submitted.json()["code"] == "cases.not_withdrawable"

    stranger = person_factory(name="王五", level="L2")
    for user in (stranger, other_reviewer):
        hidden = _withdraw_api(client, submitted.number, token_for(user))
        assert hidden.status_code == 404 and hidden.json()["code"] == "cases.not_found"
    missing = _withdraw_api(client, "2026-330424-999999", auth)
    assert missing.status_code == 404
    forbidden = _withdraw_api(client, submitted.number, token_for(reviewer))
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "cases.permission_denied"
    assert _withdraw_api(Client(), submitted.number, {}).status_code == 401
    assert Application.objects.get(pk=submitted.pk).status == CaseStatus.SUBMITTED
    assert not AuditEntry.objects.filter(action="cases.application.withdraw").exists()


# --- the pages ----------------------------------------------------------------------------------


def test_portal_withdraws_with_a_reason_and_shows_it(client, submitted, citizen, version):
    client.force_login(citizen)
    detail_url = reverse("cases:detail", args=[submitted.number])
    withdraw_url = reverse("cases:withdraw", args=[submitted.number])
    page = client.get(detail_url).content.decode()
    assert 'data-testid="withdraw"' in page and withdraw_url in page
    assert 'name="csrfmiddlewaretoken"' in page.split(withdraw_url, 1)[1].split("</form>", 1)[0]

    refused = client.post(withdraw_url, {"reason": "  "})
    assert refused.status_code == 422
    assert 'data-testid="error"' in refused.content.decode()
    assert client.get(withdraw_url).status_code == 405

    done = client.post(withdraw_url, {"reason": REASON})
    assert done.status_code == 302 and done.url == detail_url
    page = client.get(detail_url).content.decode()
    assert 'data-testid="status">已撤回<' in page
    assert f'data-testid="withdrawal-reason">{REASON}<' in page
    assert 'data-testid="withdraw"' not in page

    again = client.post(withdraw_url, {"reason": REASON})
    assert again.status_code == 409 and "撤回" in again.content.decode()

    draft = services.case_create(actor=citizen, version=version)
    draft_page = client.get(reverse("cases:detail", args=[draft.number])).content.decode()
    assert 'data-testid="withdraw"' not in draft_page


def test_a_correction_left_open_reads_as_void_after_withdrawal(
    client, submitted, citizen, clerk, reviewer
):
    case = bring_to(
        CaseStatus.CORRECTION, case=submitted, clerk=clerk, reviewer=reviewer, citizen=citizen
    )
    client.force_login(citizen)
    detail_url = reverse("cases:detail", args=[case.number])
    assert 'data-testid="correction-void"' not in client.get(detail_url).content.decode()

    services.case_withdraw(actor=citizen, case=case, reason=REASON)
    page = client.get(detail_url).content.decode()
    assert 'data-testid="correction"' in page  # the request stays in the record
    assert 'data-testid="correction-void">申请已撤回，无需再补正。<' in page


def test_portal_withdrawal_needs_the_csrf_token_and_the_applicant(
    submitted, citizen, person_factory
):
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(citizen)
    url = reverse("cases:withdraw", args=[submitted.number])
    assert guarded.post(url, {"reason": REASON}).status_code == 403
    stranger = Client()
    stranger.force_login(person_factory(name="王五", level="L2"))
    assert stranger.post(url, {"reason": REASON}).status_code == 404
    assert Application.objects.get(pk=submitted.pk).status == CaseStatus.SUBMITTED


def test_workbench_shows_the_status_and_reason_to_staff(client, submitted, citizen, reviewer):
    services.case_withdraw(actor=citizen, case=submitted, reason=REASON)
    client.force_login(reviewer)
    page = client.get(reverse("casework:detail", args=[submitted.number])).content.decode()
    assert 'data-testid="status">已撤回<' in page
    assert f'data-testid="withdrawal-reason">{REASON}<' in page
    listed = client.get(reverse("casework:list"), {"status": "withdrawn"}).content.decode()
    assert submitted.number in listed


def test_nothing_is_added_to_a_withdrawn_case(version, citizen, valid_form, clerk):
    """Not a correction's upload, nor a material accepted as missing (容缺后补)."""
    case = draft_with(version, citizen, valid_form, materials=("申请书",))
    case = services.case_accept(actor=clerk, case=services.case_submit(actor=citizen, case=case))
    missing = MissingMaterial.objects.get(application=case)  # tolerated at acceptance
    services.case_withdraw(actor=citizen, case=case, reason=REASON)
    with pytest.raises(DomainError) as supply:
        services.case_missing_supply(actor=citizen, case=case, missing=missing, uploaded_file=pdf())
    assert supply.value.code == "cases.wrong_status"
    with pytest.raises(DomainError) as upload:
        services.case_material_upload(
            actor=citizen,
            case=case,
            uploaded_file=pdf(),
            matter_material=material_named(version, "申请书"),
        )
    assert upload.value.code == "cases.wrong_status"
    missing.refresh_from_db()
    assert missing.supplied_at is None
