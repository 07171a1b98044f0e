"""End-to-end flows in Chromium over the demo county, with axe on every page visited:

(a) a citizen applies on a phone for 个体工商户设立登记 with uploads → the clerk accepts → the
    reviewer approves → the e-licence is in the citizen's 卡包 → its QR page says valid → the
    citizen rates the service;
(b) a counter application (the clerk finds the citizen by ID number) returned for correction,
    answered at the counter, and finished; the written notices of correction and acceptance
    print at the desk, and the acceptance notice's check page says it is genuine.
"""

import re

import pyotp
import pytest

from onetrip.conftest import PASSWORD, assert_accessible, pdf_text, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOP = "330424-SCJGJ-001"  # 个体工商户设立登记 in the demo catalogue
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def demo(settings, live_server):
    from onetrip.demo.services import demo_load

    settings.ONETRIP_SITE_URL = live_server.url
    return demo_load(migrate=False)


def make_staff(username: str, department_code: str, roles):
    from onetrip.accounts import services

    return services.staff_create(
        username=username,
        name=f"测试{username}",
        department_code=department_code,
        roles=list(roles),
        password=PASSWORD,
        totp_secret=pyotp.random_base32(),
    )


def sign_in_citizen(page, user, next_url: str) -> None:
    page.goto(f"/login/?next={next_url}")
    page.fill("#id_identifier", user.person.id_number)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{next_url}")


def sign_in_staff(page, user) -> None:
    page.goto("/login/?next=/workbench/")
    page.fill("#id_identifier", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/login/totp/")
    page.fill("#id_code", pyotp.TOTP(user.totp_secret).now())
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/workbench/")


def fill_fields(page, values: dict) -> None:
    for name, value in values.items():
        field = page.locator(f"#f-{name}")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def upload(page, input_id: str, path) -> None:
    page.set_input_files(f"#{input_id}", str(path))
    page.locator(f"form:has(#{input_id}) button[type=submit]").click()
    page.wait_for_load_state()


def act(page, testid: str) -> None:
    page.get_by_test_id(testid).click()
    page.wait_for_load_state()
    assert page.get_by_test_id("error").count() == 0, page.get_by_test_id("error").inner_text()


def shop_form(person) -> dict:
    return {
        "applicant_name": person.name,
        "id_number": person.id_number,
        "phone": person.phone,
        "business_name": "海盐县武原街道小沈水果店",
        "business_scope": "水果零售",
        "address": "武原街道向阳路12号",
        "form_of_organisation": "个人经营",
        "capital": "5",
    }


def test_citizen_applies_online_and_gets_the_licence_and_rates(
    demo, phone_page, browser_page, person_factory, tmp_path
):
    from onetrip.cases.models import Application

    scan = tmp_path / "申请书.pdf"
    scan.write_bytes(PDF)
    citizen = person_factory(name="沈小梅", level="L2", phone="13957309901")
    staff = make_staff("scjg-clerk", "330424-SCJGJ", ("window_clerk", "reviewer"))

    page = phone_page
    sign_in_citizen(page, citizen, f"/matters/{SHOP}/")
    assert_accessible(page)
    page.get_by_test_id("apply-online").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_test_id("start").click()
    page.wait_for_url("**/form/")
    assert_accessible(page)
    fill_fields(page, shop_form(citizen.person))
    screenshot(page, "flow-a-form-phone")
    page.get_by_test_id("save-form").click()
    page.wait_for_url("**/applications/*/")
    case = Application.objects.get(applicant=citizen)
    for material in case.matter_version.materials.filter(source="none"):
        upload(page, f"file-{material.pk}", scan)
    assert_accessible(page)
    act(page, "submit")
    assert page.get_by_test_id("status").inner_text() in {"已提交", "Submitted"}
    assert_accessible(page)
    screenshot(page, "flow-a-submitted-phone")

    desk = browser_page
    sign_in_staff(desk, staff)
    desk.goto("/workbench/cases/intake/")
    assert case.number in desk.locator("main").inner_text()
    assert_accessible(desk)
    desk.goto(f"/workbench/cases/{case.number}/")
    assert_accessible(desk)
    act(desk, "accept")
    assert_accessible(desk)
    act(desk, "approve")
    licence_number = desk.get_by_test_id("licence-number").inner_text().strip()
    assert licence_number.startswith("1.2.156.3005.2.")
    act(desk, "issue")
    desk.locator("#method-electronic").check()
    act(desk, "deliver")
    assert desk.get_by_test_id("status").inner_text() in {"已送达", "Delivered"}
    assert_accessible(desk)
    screenshot(desk, "flow-a-workbench-delivered")

    page.goto("/wallet/")
    cards = page.get_by_test_id("own-licences").locator("li")
    assert "营业执照" in cards.first.inner_text() and "沈小梅" in cards.first.inner_text()
    assert_accessible(page)
    screenshot(page, "flow-a-wallet-phone")
    cards.first.get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"/wallet/1\.2\.156\.3005\.2\..+/$"))
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Verification page|核验")).click()
    page.wait_for_url(f"**/licences/verify/{licence_number}/")
    verdict = page.get_by_test_id("verdict")
    assert verdict.locator(".verdict-word").inner_text().strip() in {"有效", "Valid"}
    assert_accessible(page)
    screenshot(page, "flow-a-verify-phone")

    page.goto(f"/applications/{case.number}/")
    page.get_by_test_id("rate").click()
    page.wait_for_url(f"**/applications/{case.number}/rate/")
    assert_accessible(page)
    page.locator("label[for=level-5]").click()
    page.get_by_test_id("submit-rating").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("rating-level").count() == 1
    assert_accessible(page)
    screenshot(page, "flow-a-rated-phone")
    case.refresh_from_db()
    assert case.status == "rated"


def test_counter_application_returned_for_correction_then_finished(
    demo, browser_page, phone_page, person_factory, tmp_path
):
    from onetrip.cases.models import Application

    scan = tmp_path / "经营场所使用证明.pdf"
    scan.write_bytes(PDF)
    citizen = person_factory(name="朱建明", level="L2", phone="13957309902")
    clerk = make_staff("scjg-window", "330424-SCJGJ", ("window_clerk", "reviewer"))

    desk = browser_page
    sign_in_staff(desk, clerk)
    desk.goto("/workbench/cases/intake/")
    assert_accessible(desk)
    desk.fill("#id-number", citizen.person.id_number)
    desk.fill("#matter-code", SHOP)
    desk.locator("main form:has(#id-number) button[type=submit]").click()
    desk.wait_for_url("**/workbench/cases/*/form/")
    assert_accessible(desk)
    fill_fields(desk, shop_form(citizen.person))
    desk.locator("main form:has(#f-capital) button[type=submit]").click()
    desk.wait_for_url(re.compile(r"/workbench/cases/[^/]+/$"))
    case = Application.objects.get(applicant=citizen)
    assert case.channel == "counter" and case.intake_clerk == clerk
    for material in case.matter_version.materials.filter(source="none"):
        upload(desk, f"file-{material.pk}", scan)
    desk.locator('form[action$="/submit/"] button').click()
    desk.wait_for_load_state()
    assert desk.get_by_test_id("status").inner_text() in {"已提交", "Submitted"}
    assert_accessible(desk)

    place = case.matter_version.materials.get(name="经营场所使用证明")
    desk.locator(f"#corr-{place.pk}").check()
    desk.fill("#correction-note", "经营场所使用证明未盖章，请补正")
    act(desk, "request-correction")
    assert desk.get_by_test_id("status").inner_text() in {"待补正", "补正中", "Awaiting correction"}
    assert_accessible(desk)
    screenshot(desk, "flow-b-correction")
    # The written one-time notice (一次性告知) is ready to print for the applicant at the desk.
    notice_link = desk.get_by_test_id("notice-correction")
    assert notice_link.inner_text() == "补正材料通知书"
    printed = desk.request.get(notice_link.get_attribute("href"))
    assert printed.headers["content-type"] == "application/pdf"
    assert "经营场所使用证明未盖章，请补正" in pdf_text(printed.body())

    # The citizen sees what to correct on the phone ...
    page = phone_page
    sign_in_citizen(page, citizen, f"/applications/{case.number}/")
    assert "未盖章" in page.get_by_test_id("correction").inner_text()
    assert "补正材料通知书" in page.get_by_test_id("notices").inner_text()
    assert_accessible(page)
    screenshot(page, "flow-b-correction-phone")
    # ... and brings the stamped paper to the window: the clerk scans it and resubmits.
    desk.reload()
    upload(desk, f"file-{place.pk}", scan)
    desk.locator('form[action$="/submit/"] button').click()
    desk.wait_for_load_state()
    assert desk.get_by_test_id("status").inner_text() in {"已提交", "Submitted"}
    act(desk, "accept")
    acceptance = desk.request.get(desk.get_by_test_id("notice-acceptance").get_attribute("href"))
    assert f"{case.number}-SL" in pdf_text(acceptance.body())
    # Whoever holds the paper scans its QR code and sees that it is genuine.
    notice = case.notices.get(kind="acceptance")
    page.goto(f"/applications/notices/{notice.public_id}/")
    assert page.get_by_test_id("verdict").inner_text().startswith("真实有效")
    assert page.get_by_test_id("addressee").inner_text() == "朱**"
    assert_accessible(page)
    screenshot(page, "flow-b-notice-check-phone")
    act(desk, "approve")
    act(desk, "issue")
    desk.locator("#method-collected").check()
    act(desk, "deliver")
    assert desk.get_by_test_id("status").inner_text() in {"已送达", "Delivered"}
    assert_accessible(desk)
    screenshot(desk, "flow-b-delivered")
    case.refresh_from_db()
    assert case.status == "delivered" and case.licence_number
    assert case.trips == 3  # intake, the corrected paper, collecting the licence

    page.goto(f"/applications/{case.number}/")
    assert page.get_by_test_id("status").inner_text() in {"已送达", "Delivered"}
    assert_accessible(page)
