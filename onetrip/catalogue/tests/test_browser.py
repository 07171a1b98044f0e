"""A citizen finds a service on the phone and reads its guide (Chromium, axe-core)."""

import pytest

from onetrip.conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_searches_the_catalogue_and_reads_a_guide_on_a_phone(phone_page, demo_catalogue):
    page = phone_page
    page.goto("/")
    page.get_by_role("search").get_by_role("searchbox").fill("开个体户")
    page.get_by_role("search").get_by_role("button").click()
    page.wait_for_url("**/matters/?q=*")
    assert_accessible(page)
    results = page.locator("main a", has_text="个体工商户设立登记")
    assert results.count() >= 1
    screenshot(page, "catalogue-search-phone")

    results.first.click()
    page.wait_for_url("**/matters/*/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("个体工商户设立登记")
    body = page.locator("main").inner_text()
    assert "县市场监管局" in body or "市场监督管理局" in body
    assert_accessible(page)
    screenshot(page, "catalogue-guide-phone")
