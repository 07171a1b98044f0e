"""A citizen on a phone, in Chromium: register, verify the real name, sign out, sign in again;
the English switch and large type; axe-core on every portal page."""

import datetime

import pytest
from django.conf import settings

from onetrip.conftest import PASSWORD, assert_accessible, make_citizen_id, screenshot, wait_for_sms
from onetrip.departments.services import departments_load
from onetrip.regions.services import regions_load
from onetrip.registries.models import PopulationRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def county(db):
    """The county's real regions, departments and service halls from data/."""
    regions_load(path=settings.BASE_DIR / "data" / "regions" / "330424.json")
    departments_load(path=settings.BASE_DIR / "data" / "departments" / "330424.json")


def test_citizen_registers_verifies_and_signs_in_again_on_a_phone(phone_page, county, sms_outbox):
    page = phone_page
    id_number = make_citizen_id("33042419880312041")
    phone = "13857301234"

    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator(".hall").count() >= 1
    assert page.get_by_role("search").count() == 1  # searches the matter catalogue
    assert_accessible(page)
    screenshot(page, "portal-home-phone", full_page=False)

    page.locator('nav a[href="/register/"]').click()
    page.wait_for_url("**/register/")
    assert_accessible(page)
    page.fill("#id_id_number", id_number)
    page.fill("#id_name", "陈晓梅")
    page.fill("#id_phone", phone)
    page.fill("#id_password", PASSWORD)
    page.locator('button[name="action"][value="send"]').click()
    page.wait_for_load_state()
    code = wait_for_sms(sms_outbox, phone)
    page.fill("#id_code", code)
    page.fill("#id_password", PASSWORD)
    page.locator('button[name="action"][value="register"]').click()
    page.wait_for_url("**/account/verify/")
    assert_accessible(page)

    # The population registry knows her; real-name verification (L2) passes.
    PopulationRecord.objects.create(
        id_number=id_number,
        name="陈晓梅",
        gender="female",
        birth_date=datetime.date(1988, 3, 12),
        phone=phone,
    )
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/account/verify/" not in url)

    page.goto("/me/")
    main = page.locator("main")
    assert f"330424********{id_number[-4:]}" in main.inner_text()
    assert "138****1234" in main.inner_text()
    assert id_number not in page.content()
    assert main.locator(".badge.ok").count() >= 1  # L2
    assert main.locator('a[href^="/account/verify/"]').count() == 0
    assert_accessible(page)
    screenshot(page, "portal-me-phone")

    page.locator('main form[action="/logout/"] button').click()
    page.wait_for_load_state()
    page.goto("/me/")
    page.wait_for_url("**/login/**")
    assert_accessible(page)
    page.fill("#id_identifier", id_number)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/me/")
    assert "陈晓梅" in page.locator("main").inner_text()


def test_english_switch_and_large_type(phone_page, county):
    page = phone_page
    page.goto("/")
    page.locator('button[name="language"][value="en"]').click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Service halls" in page.locator("main").inner_text()
    assert_accessible(page)
    screenshot(page, "portal-home-english", full_page=False)
    page.locator('button[name="language"][value="zh-hans"]').click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-Hans"

    standard = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.locator('[data-testid="large-on"]').click()
    page.wait_for_load_state()
    assert "large-type" in (page.locator("html").get_attribute("class") or "")
    large = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert large >= standard * 1.25
    assert_accessible(page)
    screenshot(page, "portal-home-large", full_page=False)
    # The choice is remembered on the next page, and can be undone.
    page.goto("/login/")
    assert "large-type" in (page.locator("html").get_attribute("class") or "")
    page.locator('[data-testid="large-off"]').click()
    page.wait_for_load_state()
    assert "large-type" not in (page.locator("html").get_attribute("class") or "")


def test_legal_representative_authorises_an_agent_in_the_browser(
    browser_page, county, person_factory
):
    from onetrip.accounts import services as account_services
    from onetrip.accounts.validators import uscc_check_char

    page = browser_page
    representative = person_factory(name="李建国", level="L2", phone="13905731234")
    agent_id = make_citizen_id("33042419920620112")
    person_factory(name="周敏", id_number=agent_id, level="L2")
    first17 = "91330424MA28B7K3X"
    account_services.legal_person_register(
        uscc=first17 + uscc_check_char(first17),
        name="海盐县南北湖茶叶有限公司",
        entity_type="有限责任公司",
        representative=representative.person,
    )
    page.goto("/login/")
    page.fill("#id_identifier", representative.phone)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto("/me/")
    form = page.locator('form[action="/me/agents/authorise/"]')
    form.locator('input[name="id_number"]').fill(agent_id)
    form.locator('input[name="name"]').fill("周敏")
    form.locator('input[name="scope"]').fill("代为申请食品经营许可")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/me/")
    agents = page.locator('form[action="/me/agents/revoke/"]')
    assert agents.count() == 1
    assert "周敏" in page.locator("main").inner_text()
    assert_accessible(page)
    screenshot(page, "portal-me-representative")
    agents.locator("button").click()
    page.wait_for_url("**/me/")
    assert page.locator('form[action="/me/agents/revoke/"]').count() == 0
