"""A life-event bundle end to end in Chromium (demo county, 新生儿出生): the citizen starts it
from the life event on a phone, fills one form, uploads each material once and submits; each
department decides its part; the licences come together; the clerk's bundle view; axe on
every page."""

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


def test_newborn_bundle_end_to_end(demo, phone_page, browser_page, person_factory, tmp_path):  # noqa: F811
    from onetrip.bundles.models import BundleApplication
    from onetrip.cases import services as case_services
    from onetrip.licences.models import Licence

    scan = tmp_path / "登记表.pdf"
    scan.write_bytes(PDF)
    parent = person_factory(name="徐丽", level="L2", phone="13957309903")

    page = phone_page
    sign_in_citizen(page, parent, "/matters/?life_event=newborn")
    assert_accessible(page)
    page.get_by_test_id("bundle-start").click()
    page.wait_for_url("**/bundles/start/newborn/")
    summary = page.get_by_test_id("merge-summary").inner_text()
    assert "7" in summary and "18" in summary  # 18 questions in the four guides, 7 asked
    assert_accessible(page)
    screenshot(page, "bundle-start-phone")
    page.get_by_test_id("bundle-begin").click()
    page.wait_for_url("**/bundles/*/form/")
    assert (
        page.locator("main input[id^='f-'], main select[id^='f-']").count() == 7
    )  # each question asked once
    assert_accessible(page)
    fill_fields(
        page,
        {
            "applicant_name": "徐丽",
            "id_number": parent.person.id_number,
            "phone": parent.phone,
            "baby_name": "王小满",
            "birth_date": "2026-11-20",
            "birth_hospital": "海盐县人民医院",
            "relation": "母亲",
        },
    )
    screenshot(page, "bundle-form-phone")
    page.get_by_test_id("save-form").click()
    page.wait_for_url(re.compile(r"/bundles/[^/]+/$"))
    for input_id in page.locator("main input[type=file]").evaluate_all(
        "nodes => nodes.map(n => n.id)"
    ):
        upload(page, input_id, scan)
    assert page.get_by_test_id("uploaded").count() == 2
    assert_accessible(page)
    act(page, "submit")
    assert page.get_by_test_id("part").count() == 4
    assert page.get_by_test_id("bundle-status").inner_text() in {"已提交", "Submitted"}
    assert_accessible(page)
    screenshot(page, "bundle-submitted-phone")

    bundle = BundleApplication.objects.get(applicant=parent)
    parts = [p.application for p in bundle.parts.select_related("application__department")]
    assert len({case.department_id for case in parts}) == 4

    # Each department handles its part as a normal case; the health bureau's clerk in the
    # browser, the others through the services.
    health = next(c for c in parts if c.matter_version.matter.code == "330424-WJJ-002")
    clerk = make_staff("wjj-clerk", health.department.code, ("window_clerk", "reviewer"))
    desk = browser_page
    sign_in_staff(desk, clerk)
    desk.goto(f"/workbench/bundles/{bundle.number}/")
    assert desk.get_by_test_id("part").count() == 4
    assert_accessible(desk)
    desk.locator(f'a[href="/workbench/cases/{health.number}/"]').click()
    desk.wait_for_url(f"**/workbench/cases/{health.number}/")
    act(desk, "accept")
    act(desk, "approve")
    assert desk.get_by_test_id("licence-number").count() == 0  # held for the others
    assert Licence.objects.filter(source__endswith=health.number).count() == 0
    assert_accessible(desk)

    for case in parts:
        if case.pk == health.pk:
            continue
        staff = make_staff(f"s-{case.pk}", case.department.code, ("window_clerk", "reviewer"))
        case = case_services.case_accept(actor=staff, case=case)
        while not case.at_decision:
            case = case_services.case_step_complete(actor=staff, case=case)
        case_services.case_approve(actor=staff, case=case)

    issued = Licence.objects.filter(source__in=[f"case:{c.number}" for c in parts])
    assert issued.count() == 3  # 出生医学证明, 户口, 社保卡; 医保参保 has no licence
    desk.goto(f"/workbench/bundles/{bundle.number}/")
    assert desk.get_by_test_id("bundle-status").inner_text() in {"已办结", "Finished"}
    assert_accessible(desk)
    screenshot(desk, "bundle-workbench")

    page.goto(f"/bundles/{bundle.number}/")
    assert page.get_by_test_id("bundle-status").inner_text() in {"已办结", "Finished"}
    assert_accessible(page)
    screenshot(page, "bundle-finished-phone")
    page.goto("/wallet/")
    assert page.get_by_test_id("own-licences").locator("li").count() >= 3
    assert_accessible(page)
