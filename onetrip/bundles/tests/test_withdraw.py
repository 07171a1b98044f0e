"""Withdrawal of a whole bundle by its applicant (撤回): every part withdrawn in one transaction
through cases, while no department has accepted its part; recorded on the bundle, audited, one
message to the applicant. A single part is still not withdrawn on its own."""

import pytest

from onetrip.bundles import selectors, services
from onetrip.bundles.models import BundleStatus
from onetrip.cases import services as case_services
from onetrip.cases.models import Application, CaseStatus
from onetrip.core.errors import DomainError
from onetrip.core.models import AuditEntry
from onetrip.notify.models import Notification

from .conftest import HYGIENE_CODE, SHOP_CODE

pytestmark = pytest.mark.django_db

REASON = "店面另有安排，暂不开业"


@pytest.fixture
def submitted(ready_bundle, citizen):
    return services.bundle_submit(actor=citizen, bundle=ready_bundle)


def parts_of(bundle) -> dict:
    return {
        case.matter_version.matter.code: case
        for case in Application.objects.filter(bundle_ref=bundle.number)
    }


def test_the_applicant_withdraws_every_part_at_once(submitted, citizen):
    last = Notification.objects.order_by("-id").values_list("id", flat=True).first() or 0
    bundle = services.bundle_withdraw(actor=citizen, bundle=submitted, reason=f" {REASON}\n")
    assert bundle.withdrawn_at is not None and bundle.withdrawal_reason == REASON
    for case in parts_of(bundle).values():
        assert case.status == CaseStatus.WITHDRAWN and case.withdrawal_reason == REASON
        assert case.events.filter(action="withdraw").count() == 1
    assert selectors.bundle_get(user=citizen, number=bundle.number).status == (
        BundleStatus.WITHDRAWN
    )
    assert AuditEntry.objects.filter(
        action="bundles.bundle.withdraw", target_id=bundle.number
    ).exists()
    assert AuditEntry.objects.filter(action="cases.application.withdraw").count() == 2
    # One message for the bundle, not one per part.
    titles = Notification.objects.filter(id__gt=last).values_list("user", "title")
    assert list(titles) == [(citizen.pk, f"您的一件事申请已撤回 ({bundle.number})")]


def test_a_part_awaiting_a_correction_asked_at_intake_does_not_stop_it(
    submitted, citizen, health_staff
):
    hygiene = parts_of(submitted)[HYGIENE_CODE]
    case_services.case_correction_request(actor=health_staff, case=hygiene, note="面积有误")
    assert services.bundle_is_withdrawable(submitted)
    services.bundle_withdraw(actor=citizen, bundle=submitted, reason=REASON)
    assert {c.status for c in parts_of(submitted).values()} == {CaseStatus.WITHDRAWN}


@pytest.mark.parametrize("correction_after", [False, True])
def test_once_a_part_is_accepted_nothing_is_withdrawn(
    submitted, citizen, market_staff, correction_after
):
    shop = case_services.case_accept(actor=market_staff, case=parts_of(submitted)[SHOP_CODE])
    if correction_after:  # in correction again, but accepted before: the department works on it
        case_services.case_correction_request(actor=market_staff, case=shop, note="补签名")
    assert not services.bundle_is_withdrawable(submitted)
    with pytest.raises(DomainError) as refused:
        services.bundle_withdraw(actor=citizen, bundle=submitted, reason=REASON)
    assert (refused.value.code, refused.value.status) == ("bundles.not_withdrawable", 409)
    assert refused.value.detail == {"accepted": [shop.number]}
    submitted.refresh_from_db()
    assert submitted.withdrawn_at is None
    assert CaseStatus.WITHDRAWN not in {c.status for c in parts_of(submitted).values()}


def test_a_draft_and_a_withdrawn_bundle_are_not_withdrawn(ready_bundle, citizen):
    with pytest.raises(DomainError) as refused:
        services.bundle_withdraw(actor=citizen, bundle=ready_bundle, reason=REASON)
    assert (refused.value.code, refused.value.status) == ("bundles.not_submitted", 409)
    bundle = services.bundle_submit(actor=citizen, bundle=ready_bundle)
    services.bundle_withdraw(actor=citizen, bundle=bundle, reason=REASON)
    with pytest.raises(DomainError) as refused:
        services.bundle_withdraw(actor=citizen, bundle=bundle, reason=REASON)
    assert (refused.value.code, refused.value.status) == ("bundles.already_withdrawn", 409)


@pytest.mark.parametrize(
    ("reason", "code"), [("  ", "bundles.reason_needed"), ("长" * 501, "bundles.reason_too_long")]
)
def test_the_reason_is_required_and_bounded(submitted, citizen, reason, code):
    with pytest.raises(DomainError) as refused:
        services.bundle_withdraw(actor=citizen, bundle=submitted, reason=reason)
    assert (refused.value.code, refused.value.status) == (code, 422)
    assert CaseStatus.WITHDRAWN not in {c.status for c in parts_of(submitted).values()}


def test_only_the_applicant_withdraws(submitted, person_factory, market_staff):
    for actor in (person_factory(name="王五", level="L2"), market_staff):
        with pytest.raises(DomainError) as refused:
            services.bundle_withdraw(actor=actor, bundle=submitted, reason=REASON)
        assert (refused.value.code, refused.value.status) == ("bundles.not_found", 404)


def test_a_single_part_is_still_not_withdrawn_on_its_own(submitted, citizen):
    shop = parts_of(submitted)[SHOP_CODE]
    with pytest.raises(DomainError) as refused:
        case_services.case_withdraw(actor=citizen, case=shop, reason=REASON)
    assert (refused.value.code, refused.value.status) == ("cases.bundle_part", 409)
    assert not case_services.case_is_withdrawable(shop)
