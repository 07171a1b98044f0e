"""The demo county in Chromium with its sample applications: the supervisor's statistics and
yellow/red list, the clerk's intake queue, the head's follow-ups and a sample case's history
show data, pass axe, and are kept as screenshots (test-artifacts/demo-*.png)."""

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from onetrip.accounts.models import User
from onetrip.conftest import assert_accessible, screenshot
from onetrip.demo.models import DemoSample
from onetrip.demo.samples import STORIES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings, live_server, tmp_path):
    from onetrip.demo.services import demo_load

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ONETRIP_SITE_URL = live_server.url
    return demo_load(migrate=False)


def sign_in(page, live_server, username: str) -> None:
    client = Client()
    client.force_login(User.objects.get(username=username))
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_the_workbench_shows_the_sample_applications(browser_page, live_server, demo):
    page = browser_page
    total = sum(count for _outcome, count in STORIES)
    since = (timezone.localdate() - datetime.timedelta(days=90)).isoformat()

    sign_in(page, live_server, "demo-supervisor")
    page.goto(f"/workbench/statistics/?from={since}")
    assert int(page.get_by_test_id("total-submitted").inner_text()) == total
    assert int(page.get_by_test_id("total-finished").inner_text()) > 30
    on_time = page.get_by_test_id("total-on-time").inner_text()
    assert on_time.endswith("%") and 50 < float(on_time[:-1]) < 100
    assert_accessible(page)
    screenshot(page, "demo-statistics")

    page.goto("/workbench/cases/supervision/")
    for colour in ("red", "yellow"):
        text = page.get_by_test_id(f"count-{colour}").inner_text()
        assert int(re.search(r"(\d+)\s*$", text).group(1)) >= 1, text
    assert_accessible(page)
    screenshot(page, "demo-supervision")

    rated = DemoSample.objects.filter(outcome="bad_answered").get().application
    page.goto(f"/workbench/cases/{rated.number}/")
    history = page.locator("main").inner_text()
    assert rated.subject_name in history
    assert_accessible(page)
    screenshot(page, "demo-case-history")

    sign_in(page, live_server, "demo-clerk")
    page.goto("/workbench/cases/intake/")
    waiting = DemoSample.objects.filter(outcome="submitted").select_related("application")
    queue = page.locator("main").inner_text()
    assert all(sample.application.number in queue for sample in waiting)
    assert_accessible(page)
    screenshot(page, "demo-intake")

    sign_in(page, live_server, "demo-head")
    page.goto("/workbench/ratings/")
    assert page.get_by_test_id("follow-ups").locator("tbody tr").count() == 2
    assert_accessible(page)
    screenshot(page, "demo-follow-ups")
