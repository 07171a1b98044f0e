"""In Chromium: a department head finds a licence by the holder's name in the workbench, opens
it, revokes it with a reason, and the public verification page then says revoked. Every page
passes axe-core."""

import re

import pyotp
import pytest
from django.utils import translation

from onetrip.conftest import PASSWORD, assert_accessible, make_citizen_id, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_head_finds_and_revokes_a_licence(
    browser_page, live_server, staff_factory, issue, settings
):
    settings.ONETRIP_SITE_URL = live_server.url
    head = staff_factory(department="县市场监管局", roles=("department_head",))
    licence = issue(holder_name="王晓燕", holder_id=make_citizen_id("33042419920314128"))
    issue(holder_name="李建国", holder_id=make_citizen_id("33042419850101002"))
    issue(holder_name="周海涛", holder_id=make_citizen_id("33042419780203005"))
    page = browser_page

    page.goto("/workbench/licences/")  # sent to sign-in, and back here afterwards
    page.fill("#id_identifier", head.user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/login/totp/")
    page.fill("#id_code", pyotp.TOTP(head.user.totp_secret).now())
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/workbench/licences/")
    assert page.get_by_test_id("licence-row").count() == 3
    assert page.locator('nav.nav a[aria-current="page"]').inner_text() == "电子证照"
    assert_accessible(page)
    screenshot(page, "licences-workbench-list")

    page.get_by_label(re.compile("证件号码")).fill("王晓燕")
    page.locator("main form[role=search] button[type=submit]").click()
    page.wait_for_url(re.compile(r"q=%E7%8E%8B"))
    rows = page.get_by_test_id("licence-row")
    assert rows.count() == 1
    assert "王**" in rows.first.inner_text() and "王晓燕" not in rows.first.inner_text()
    rows.first.get_by_role("link").click()
    page.wait_for_url(f"**/workbench/licences/{licence.number}/")
    assert "王晓燕" in page.locator("main").inner_text()
    assert_accessible(page)

    # Without a reason the form says why (code and Chinese message), and keeps the licence.
    page.get_by_test_id("revoke").click()
    page.wait_for_load_state()
    error = page.get_by_test_id("error")
    assert "licences.reason_missing" in error.inner_text()
    assert "请填写" in error.inner_text()
    assert_accessible(page)
    screenshot(page, "licences-workbench-detail-form")

    page.get_by_label(re.compile("原因")).fill("以欺骗手段取得许可")
    page.get_by_test_id("revoke").click()
    page.wait_for_url(f"**/workbench/licences/{licence.number}/")
    assert page.get_by_test_id("revoked-reason").inner_text() == "以欺骗手段取得许可"
    assert page.get_by_test_id("revoke").count() == 0
    assert_accessible(page)
    screenshot(page, "licences-workbench-detail-revoked")

    page.get_by_test_id("verify-link").click()
    page.wait_for_url(f"**/licences/verify/{licence.number}/")
    verdict = page.get_by_test_id("verdict")
    assert "verdict-revoked" in verdict.get_attribute("class")
    with translation.override("zh-hans"):
        revoked_word = translation.gettext("Revoked")
    assert verdict.locator(".verdict-word").inner_text().strip() == revoked_word
    answer = page.request.get(f"/api/v1/licences/{licence.number}/verify").json()
    assert answer["status"] == "revoked"
