"""Counter intake of a bundle (一窗受理): a window clerk starts it for a registered person, fills
the one form and uploads on their behalf, and submits; every part is a counter case with the
clerk as its intake clerk. The applicant or that clerk may work on the draft; others get 404."""

import pytest

from onetrip.bundles import selectors, services
from onetrip.bundles.merge import merge_materials
from onetrip.cases.models import Application, CaseStatus, Channel
from onetrip.catalogue.models import MatterVersion
from onetrip.core.errors import DomainError

from .conftest import HYGIENE_CODE, SHOP_CODE, pdf, uscc

pytestmark = pytest.mark.django_db


def counter_start(clerk, person_user, life_event, **kwargs):
    return services.bundle_start(
        actor=clerk,
        life_event=life_event,
        channel=Channel.COUNTER,
        applicant=person_user,
        **kwargs,
    )


def fill_and_upload(actor, bundle, data):
    services.bundle_form_save(actor=actor, bundle=bundle, data=data)
    for material in merge_materials(services.bundle_versions(bundle.life_event)):
        if material.needs_upload:
            services.bundle_material_upload(
                actor=actor, bundle=bundle, material_key=material.key, uploaded_file=pdf()
            )
    return bundle


def test_a_clerk_starts_a_bundle_at_the_counter_for_the_person(life_event, market_staff, citizen):
    bundle = counter_start(market_staff, citizen, life_event)
    assert (bundle.applicant, bundle.intake_clerk, bundle.channel) == (
        citizen,
        market_staff,
        Channel.COUNTER,
    )
    # The applicant sees it among their bundles; the clerk among the bundles they took in,
    # while it is still a draft.
    assert [b.number for b in selectors.bundle_list_for_applicant(user=citizen)] == [bundle.number]
    assert [b.number for b in selectors.bundle_list_for_staff(user=market_staff)] == [bundle.number]


def test_at_the_counter_a_matter_closed_online_and_a_low_level_are_fine(
    life_event, market_staff, person_factory
):
    MatterVersion.objects.filter(matter__code=HYGIENE_CODE).update(online=False)
    low = person_factory(name="赵六", level="L1")  # the clerk has checked the ID card
    with pytest.raises(DomainError) as refused:
        services.bundle_start(actor=low, life_event=life_event)
    assert refused.value.code in {"bundles.channel_not_offered", "accounts.assurance_level_too_low"}
    assert counter_start(market_staff, low, life_event).channel == Channel.COUNTER


def test_a_matter_not_offered_at_a_counter_is_refused(life_event, market_staff, citizen):
    MatterVersion.objects.filter(matter__code=SHOP_CODE).update(counter=False)
    with pytest.raises(DomainError) as refused:
        counter_start(market_staff, citizen, life_event)
    assert refused.value.code == "bundles.channel_not_offered"
    assert "个体工商户设立登记" in refused.value.message


def test_only_a_clerk_with_intake_starts_a_counter_bundle(
    life_event, staff_factory, citizen, market_staff
):
    reviewer = staff_factory(department="县市场监管局", roles=("reviewer",)).user
    for actor in (reviewer, citizen):
        with pytest.raises(DomainError) as refused:
            counter_start(actor, citizen, life_event)
        assert (refused.value.code, refused.value.status) == ("bundles.permission_denied", 403)
    with pytest.raises(DomainError) as refused:
        counter_start(market_staff, None, life_event)
    assert refused.value.code == "bundles.applicant_needed"
    with pytest.raises(DomainError) as refused:
        counter_start(market_staff, market_staff, life_event)  # staff are not applicants
    assert refused.value.code == "bundles.not_a_person"


def test_the_legal_person_must_be_one_the_applicant_represents(life_event, market_staff, citizen):
    from onetrip.accounts.services import legal_person_register

    MatterVersion.objects.filter(matter__code=HYGIENE_CODE).update(applicant_kind="legal")
    with pytest.raises(DomainError) as refused:
        counter_start(market_staff, citizen, life_event)
    assert refused.value.code == "bundles.legal_person_needed"
    with pytest.raises(DomainError) as refused:
        counter_start(market_staff, citizen, life_event, uscc=uscc("91330424MA2B0000A"))
    assert refused.value.code == "bundles.no_standing"
    shop = legal_person_register(
        uscc=uscc("91330424MA2B0000B"),
        name="海盐李四小吃店",
        entity_type="个体工商户",
        representative=citizen.person,
    )
    bundle = counter_start(market_staff, citizen, life_event, uscc=shop.uscc.lower())
    assert bundle.uscc == shop.uscc


def test_the_clerk_fills_uploads_and_submits_and_the_parts_are_counter_cases(
    life_event, market_staff, citizen, merged_data
):
    from onetrip.notify.models import Notification

    bundle = fill_and_upload(
        market_staff, counter_start(market_staff, citizen, life_event), merged_data
    )
    bundle = services.bundle_submit(actor=market_staff, bundle=bundle)
    parts = list(Application.objects.order_by("pk"))
    assert len(parts) == 2
    for case in parts:
        assert (case.channel, case.intake_clerk, case.applicant) == (
            Channel.COUNTER,
            market_staff,
            citizen,
        )
        assert case.status == CaseStatus.SUBMITTED and case.bundle_ref == bundle.number
        assert case.trips == 1  # the one visit to the counter
        assert case.materials.count() == 2
    # The applicant is told of each submitted part, not the clerk.
    assert Notification.objects.filter(user=citizen).count() == 2
    assert not Notification.objects.filter(user=market_staff).exists()
    # The clerk still sees the bundle (they took its parts in), the applicant too.
    assert selectors.bundle_get(user=market_staff, number=bundle.number).status == "submitted"
    assert selectors.bundle_get(user=citizen, number=bundle.number).channel == Channel.COUNTER


def test_the_clerk_reads_the_id_only_list_and_records_the_consent_given_in_person(
    client, life_event, market_staff, citizen, merged_data
):
    from django.urls import reverse

    from onetrip.exchange.models import Consent, PulledMaterial

    bundle = fill_and_upload(
        market_staff, counter_start(market_staff, citizen, life_event), merged_data
    )
    client.force_login(market_staff)
    page = client.get(reverse("bundlework:detail", args=[bundle.number])).content.decode()
    assert "请向申请人告知" in page and "申请人已当面知悉" in page
    response = client.post(reverse("bundlework:submit", args=[bundle.number]), {"consent": "yes"})
    assert response.status_code == 302
    shop = Application.objects.get(matter_version__matter__code=SHOP_CODE)
    consent = Consent.objects.get()
    assert (consent.case_number, consent.user) == (shop.number, citizen)
    # The citizen is not in the population registry here: the pull is tried, finds nothing.
    assert PulledMaterial.objects.get().status == "unavailable"


def test_the_applicant_prepares_a_counter_draft_and_the_clerk_submits_it(
    life_event, market_staff, citizen, merged_data
):
    bundle = counter_start(market_staff, citizen, life_event)
    fill_and_upload(citizen, bundle, merged_data)
    # Counter cases are entered by a window clerk: the applicant submits at the counter.
    with pytest.raises(DomainError) as refused:
        services.bundle_submit(actor=citizen, bundle=bundle)
    assert (refused.value.code, refused.value.status) == ("bundles.submitted_at_counter", 409)
    assert not Application.objects.exists()
    services.bundle_submit(actor=market_staff, bundle=bundle)
    assert set(Application.objects.values_list("channel", flat=True)) == {Channel.COUNTER}


def test_other_staff_and_people_get_404_on_a_counter_draft(
    life_event, market_staff, health_staff, citizen, person_factory, merged_data
):
    bundle = counter_start(market_staff, citizen, life_event)
    for actor in (health_staff, person_factory(name="王五", level="L2")):
        with pytest.raises(DomainError) as refused:
            services.bundle_form_save(actor=actor, bundle=bundle, data=merged_data)
        assert (refused.value.code, refused.value.status) == ("bundles.not_found", 404)
        with pytest.raises(DomainError) as refused:
            selectors.bundle_get(user=actor, number=bundle.number)
        assert refused.value.status == 404
    assert bundle.number not in [
        b.number for b in selectors.bundle_list_for_staff(user=health_staff)
    ]


def test_the_intake_clerk_who_lost_intake_gets_403(life_event, market_staff, citizen):
    bundle = counter_start(market_staff, citizen, life_event)
    market_staff.staff.role_assignments.filter(role="window_clerk").delete()
    clerk = type(market_staff).objects.get(pk=market_staff.pk)  # roles are cached on the user
    with pytest.raises(DomainError) as refused:
        services.bundle_submit(actor=clerk, bundle=bundle)
    assert (refused.value.code, refused.value.status) == ("bundles.permission_denied", 403)


def test_the_counter_start_is_audited_with_its_channel(life_event, market_staff, citizen):
    from onetrip.core.models import AuditEntry

    bundle = counter_start(market_staff, citizen, life_event)
    entry = AuditEntry.objects.get(action="bundles.bundle.create", target_id=bundle.number)
    assert entry.detail["channel"] == Channel.COUNTER
    assert entry.subject_id == citizen.person.id_number
