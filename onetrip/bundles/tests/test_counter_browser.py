"""Counter intake of a bundle and withdrawal of a bundle in Chromium (demo county, 新生儿出生),
with axe on every page: a window clerk finds a demo person by ID number, starts the bundle,
fills the one form, uploads and submits; the parts are counter cases; the person sees it in
我的一件事. A citizen withdraws an online bundle from the portal."""

import re

import pytest

from onetrip.cases.tests.test_flows_browser import (
    PDF,
    act,
    demo,  # noqa: F401 - fixture
    fill_fields,
    make_staff,
    sign_in_citizen,
    sign_in_staff,
    upload,
)
from onetrip.conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COUNTER_LABELS = {"窗口办", "Counter"}


def newborn_form(name: str, id_number: str, phone: str) -> dict:
    return {
        "applicant_name": name,
        "id_number": id_number,
        "phone": phone,
        "baby_name": "王小满",
        "birth_date": "2026-11-20",
        "birth_hospital": "海盐县人民医院",
        "relation": "母亲",
    }


def test_clerk_takes_a_bundle_in_at_the_counter(demo, browser_page, phone_page, tmp_path):  # noqa: F811
    from django.conf import settings

    from onetrip.bundles.models import BundleApplication
    from onetrip.demo.data import DEMO_PASSWORD, sample_people

    scan = tmp_path / "登记表.pdf"
    scan.write_bytes(PDF)
    name, _gender, _birth, id_number, phone = sample_people(settings.ONETRIP_REGION[:6])[0]
    clerk = make_staff("hall-clerk", "330424-SCJGJ", ("window_clerk",))

    desk = browser_page
    sign_in_staff(desk, clerk)
    desk.goto("/workbench/bundles/")
    assert_accessible(desk)
    desk.fill("#id-number", id_number)
    desk.select_option("#life-event", "newborn")
    screenshot(desk, "bundle-counter-start")
    desk.get_by_test_id("bundle-intake-start").click()
    desk.wait_for_url("**/workbench/bundles/*/form/")
    assert_accessible(desk)
    fill_fields(desk, newborn_form(name, id_number, phone))
    desk.get_by_test_id("save-form").click()
    desk.wait_for_url(re.compile(r"/workbench/bundles/[^/]+/$"))
    assert desk.get_by_test_id("bundle-channel").inner_text() in COUNTER_LABELS
    assert clerk.display_name in desk.get_by_test_id("bundle-intake-clerk").inner_text()
    for input_id in desk.locator("main input[type=file]").evaluate_all(
        "nodes => nodes.map(n => n.id)"
    ):
        upload(desk, input_id, scan)
    assert desk.get_by_test_id("uploaded").count() == 2
    assert_accessible(desk)
    screenshot(desk, "bundle-counter-draft")
    act(desk, "submit")
    assert desk.get_by_test_id("part").count() == 4
    channels = desk.get_by_test_id("part-channel").all_inner_texts()
    assert len(channels) == 4 and set(channels) <= COUNTER_LABELS
    assert_accessible(desk)
    screenshot(desk, "bundle-counter-submitted")

    bundle = BundleApplication.objects.get(intake_clerk=clerk)
    assert bundle.applicant.person.id_number == id_number
    assert {(p.application.channel, p.application.intake_clerk_id) for p in bundle.parts.all()} == {
        ("counter", clerk.pk)
    }

    # The person sees it among their bundles (我的一件事), like an online one.
    page = phone_page
    page.goto("/login/?next=/bundles/")
    page.fill("#id_identifier", id_number)
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/bundles/")
    assert bundle.number in page.get_by_test_id("bundle-item").first.inner_text()
    assert_accessible(page)
    screenshot(page, "bundle-counter-mine-phone")


def test_citizen_withdraws_an_online_bundle(demo, phone_page, person_factory):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile

    from onetrip.bundles import services
    from onetrip.bundles.merge import merge_materials
    from onetrip.catalogue.selectors import life_event_get_public

    parent = person_factory(name="徐丽", level="L2", phone="13957309904")
    event = life_event_get_public(code="newborn")
    bundle = services.bundle_start(actor=parent, life_event=event)
    data = newborn_form(parent.person.name, parent.person.id_number, parent.phone)
    services.bundle_form_save(actor=parent, bundle=bundle, data=data)
    for material in merge_materials(services.bundle_versions(event)):
        if material.needs_upload:
            services.bundle_material_upload(
                actor=parent,
                bundle=bundle,
                material_key=material.key,
                uploaded_file=SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf"),
            )
    bundle = services.bundle_submit(actor=parent, bundle=bundle)

    page = phone_page
    sign_in_citizen(page, parent, f"/bundles/{bundle.number}/")
    assert page.get_by_test_id("withdraw-section").count() == 1
    assert_accessible(page)
    page.get_by_test_id("withdraw-reason").fill("孩子随父亲户口在外地登记")
    page.get_by_test_id("withdraw-section").scroll_into_view_if_needed()
    screenshot(page, "bundle-withdraw-form-phone", full_page=False)
    act(page, "withdraw")
    assert page.get_by_test_id("bundle-status").inner_text() in {"已撤回", "Withdrawn"}
    assert page.get_by_test_id("bundle-withdrawn-at").count() == 1
    assert page.get_by_test_id("withdraw-section").count() == 0
    assert set(page.get_by_test_id("part-status").all_inner_texts()) <= {"已撤回", "Withdrawn"}
    assert_accessible(page)
    screenshot(page, "bundle-withdrawn-phone")
