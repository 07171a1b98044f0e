"""In Chromium: on a phone a citizen reports an error from an open dataset's page; at a desk the
department's data officer answers; the public list shows the answer, without the name."""

import pytest

from onetrip.conftest import assert_accessible, screenshot
from onetrip.objections.tests.test_browser import sign_in
from onetrip.opendata.services import opendata_sync

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_error_report_is_answered_and_published(
    phone_page, browser_page, citizen, officer, shops, settings
):
    settings.ONETRIP_OPENDATA_SYNC_SECONDS = 0
    opendata_sync()
    page = phone_page
    page.goto("/opendata/")
    page.get_by_role("link", name="个体工商户名录").click()
    page.get_by_test_id("od-report-error").click()
    sign_in(page, citizen.person.id_number)
    page.wait_for_url("**/opendata/requests/new/**")
    assert page.locator("#dataset").input_value() == "SHOPS"
    assert page.locator("#kind-error").is_checked()
    page.fill("#title", "名录中店铺地址有误")
    page.fill("#description", "海盐老街茶馆已于今年迁至向阳路10号，名录仍为旧址。")
    assert_accessible(page)
    screenshot(page, "datarequests-form-phone")
    page.get_by_test_id("send-request").click()
    page.wait_for_url("**/opendata/requests/*/")
    assert page.get_by_test_id("request-status").inner_text() == "待答复"
    number = page.get_by_test_id("request-number").inner_text()

    desk = browser_page
    desk.goto("/workbench/")
    sign_in(desk, officer.username, totp_secret=officer.totp_secret)
    desk.wait_for_url("**/workbench/")
    desk.get_by_role("link", name="公众数据需求").first.click()
    row = desk.get_by_test_id("request-row")
    assert row.count() == 1 and number in row.inner_text()
    row.locator("a").click()
    desk.fill("#answer", "已核实，地址已更正，下次数据更新后生效。")
    assert_accessible(desk)
    desk.get_by_test_id("accept").click()
    desk.wait_for_load_state()
    assert desk.get_by_test_id("request-status").inner_text() == "已采纳"

    page.goto("/opendata/requests/")
    assert "名录中店铺地址有误" in page.get_by_test_id("public-requests").inner_text()
    assert citizen.person.name not in page.locator("main").inner_text()
    page.get_by_test_id("public-request").get_by_role("link", name="名录中店铺地址有误").click()
    assert "地址已更正" in page.get_by_test_id("request-answer").inner_text()
    assert_accessible(page)
    screenshot(page, "datarequests-answered-phone")
