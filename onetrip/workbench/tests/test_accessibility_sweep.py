"""Every page a staff member or a citizen can reach from the menus of the demo county passes
axe-core (no serious or critical violation): each role signs in and walks its menu, plus the
first detail page linked from each list."""

import re

import pyotp
import pytest

from onetrip.conftest import assert_accessible
from onetrip.demo import data as demo_data
from onetrip.demo.services import demo_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF = [
    "demo-supervisor",
    "demo-data",
    "demo-police-data",
    "demo-head",
    "demo-clerk",
    "demo-admin",
    "demo-finance",
    "demo-archivist",
]
PORTAL_PAGES = [
    "/",
    "/matters/",
    "/me/",
    "/me/data-access/",
    "/me/data/",
    "/me/payments/",
    "/appointments/",
    "/applications/",
    "/bundles/",
    "/wallet/",
    "/opendata/",
    "/opendata/requests/",
    "/opendata/requests/new/",
]
SKIP = re.compile(
    r"(\.xlsx|format=xlsx|\.geojson|\.ttl|\.jsonld|/api/|/export|/logout|/files/|/download)"
)


@pytest.fixture
def demo(db):
    return demo_load(migrate=False)


def sign_in(page, login: str, *, totp_secret: str = "") -> None:
    page.goto("/login/")
    page.fill("#id_identifier", login)
    page.fill("#id_password", demo_data.DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    if totp_secret:
        page.wait_for_url("**/login/totp/")
        page.fill("#id_code", pyotp.TOTP(totp_secret).now())
        page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def links(page, selector: str) -> list[str]:
    hrefs = page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href'))")
    return [h for h in hrefs if h and h.startswith("/") and not SKIP.search(h)]


def check(page, path: str, seen: set[str]) -> None:
    if path in seen:
        return
    seen.add(path)
    response = page.goto(path)
    assert response.status < 500, f"{path} answered {response.status}"
    assert_accessible(page)


def walk(page, start_links: list[str], prefix: str, seen: set[str]) -> None:
    for path in start_links:
        check(page, path, seen)
        details = [h for h in links(page, "main a[href]") if h.startswith(prefix)]
        if details:
            check(page, details[0], seen)


def test_every_workbench_page_of_every_role_is_accessible(browser_page, demo):
    page = browser_page
    seen: set[str] = set()
    for username in STAFF:
        page.context.clear_cookies()
        sign_in(page, username, totp_secret=demo_data.demo_totp_secret(username))
        page.goto("/workbench/")
        menu = links(page, "nav.nav a[href]")
        assert "/workbench/" in menu
        walk(page, menu, "/workbench/", seen)
    assert len(seen) >= 15, sorted(seen)


def test_every_portal_page_of_a_citizen_is_accessible(phone_page, demo):
    page = phone_page
    seen: set[str] = set()
    citizen = demo.logins[1]  # the L2 citizen, a legal representative
    sign_in(page, citizen.login)
    walk(page, PORTAL_PAGES, "/", seen)
    assert len(seen) >= len(PORTAL_PAGES)
