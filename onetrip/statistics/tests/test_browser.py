"""The statistics page in Chromium: the charts are drawn by the locally served ECharts (no
network beyond the live server), the page passes axe, and a screenshot is kept."""

import pytest
from django.conf import settings
from django.test import Client

from onetrip.conftest import assert_accessible, screenshot

from .test_statistics import county  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_supervisor_sees_charts(browser_page, live_server, supervisor, county):  # noqa: F811
    page = browser_page
    outside = []
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith(live_server.url) or request.url.startswith("data:")
            else outside.append(request.url)
        ),
    )
    sign_in(page, live_server, supervisor)
    page.goto("/workbench/statistics/?from=2026-01-01&to=2026-12-31")
    page.wait_for_selector("html[data-charts='3']")
    assert page.locator("#chart-volumes svg").count() == 1
    assert page.locator("#chart-targets svg text").filter(has_text="%").count() >= 2
    assert page.get_by_test_id("total-on-time").inner_text() == "75.0%"
    assert "食品经营许可" in page.get_by_test_id("matters").inner_text()
    assert outside == []
    assert_accessible(page)
    screenshot(page, "statistics-county")
