"""In Chromium: an elderly person who never registered online comes to the window. The clerk's
intake does not find them, the clerk opens an account for them there (the code the person reads
out comes from the SMS really sent) and is back at the intake with what was typed, and the
application starts on the same trip."""

import pytest

from onetrip.accounts.models import Person
from onetrip.conftest import assert_accessible, make_citizen_id, screenshot, wait_for_sms_text
from onetrip.identity.tests.helpers import sms_code
from onetrip.objections.tests.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_clerk_opens_an_account_at_the_window_and_starts_the_intake(
    browser_page, clerk, publish, sms_outbox
):
    version = publish()
    id_number = make_citizen_id("33042419440605002")
    page = browser_page
    page.goto("/workbench/cases/intake/")
    sign_in(page, clerk.username, totp_secret=clerk.totp_secret)
    page.wait_for_url("**/workbench/cases/intake/")
    page.fill("#id-number", id_number)
    page.fill("#matter-code", version.matter.code)
    page.locator("main form button[type=submit]").first.click()
    page.get_by_test_id("register-at-window").click()

    page.wait_for_url("**/workbench/people/**")
    assert page.input_value("#id_id_number") == id_number
    page.locator("main form button[type=submit]").first.click()  # look up: not found
    page.get_by_test_id("register-form").wait_for()
    assert page.input_value("#register_id_number") == id_number
    page.fill("#register_name", "沈阿婆")
    page.fill("#register_phone", "13700002468")
    page.get_by_test_id("send-code").click()
    page.get_by_test_id("code-sent").wait_for()
    code = sms_code(wait_for_sms_text(sms_outbox, "13700002468", "窗口"))
    page.fill("#register_code", code)
    assert_accessible(page)
    screenshot(page, "workbench-register-at-window")
    page.get_by_test_id("register").click()

    page.wait_for_url("**/workbench/cases/intake/**")
    assert "已为 沈阿婆 开通账号" in page.inner_text("main")
    assert page.input_value("#id-number") == id_number
    assert page.input_value("#matter-code") == version.matter.code
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/workbench/cases/*/form/")
    person = Person.objects.get(id_number=id_number)
    assert person.user.assurance_level == "L3"
    assert person.user.applications.get().channel == "counter"
