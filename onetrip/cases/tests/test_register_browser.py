"""In Chromium: a window clerk opens the notice register from the menu, filters it and
downloads it as Excel."""

import io

import pyotp
import pytest
from openpyxl import load_workbook

from onetrip.cases import services
from onetrip.conftest import PASSWORD, assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_filters_and_exports_the_register(browser_page, submitted, clerk, reviewer):
    accepted = services.case_accept(actor=clerk, case=submitted)
    page = browser_page
    page.goto("/workbench/")
    page.fill("#id_identifier", clerk.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/login/totp/")
    page.fill("#id_code", pyotp.TOTP(clerk.totp_secret).now())
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/workbench/")

    page.get_by_role("link", name="文书台账").click()
    page.wait_for_url("**/workbench/cases/notices/")
    row = page.get_by_test_id("register-row")
    assert row.count() == 1 and f"{accepted.number}-SL" in row.inner_text()
    assert "尚未查阅" in row.inner_text() and "李*" in row.inner_text()

    page.select_option("#kind-filter", "denial")
    page.get_by_role("button", name="筛选").click()
    assert page.get_by_test_id("register-row").count() == 0
    page.select_option("#kind-filter", "acceptance")
    page.get_by_role("button", name="筛选").click()
    assert page.get_by_test_id("register-row").count() == 1
    assert_accessible(page)
    screenshot(page, "notice-register")

    with page.expect_download() as download_info:
        page.get_by_test_id("register-export").click()
    content = download_info.value.path().read_bytes()
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A2"].value == f"{accepted.number}-SL"

    page.get_by_test_id("register-row").locator("a").click()
    page.wait_for_url(f"**/workbench/cases/{accepted.number}/")
