"""Staff in Chromium: password + TOTP (with enrolment on first sign-in), the workbench pages
with axe-core, the people lookup and verification in person; citizens are refused."""

import pyotp
import pytest

from onetrip.conftest import PASSWORD, assert_accessible, make_citizen_id, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_staff(page, staff) -> None:
    page.goto("/workbench/")  # not signed in: sent to sign-in, and back here afterwards
    page.wait_for_url("**/login/?next=/workbench/")
    page.fill("#id_identifier", staff.user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/login/totp/")


def test_staff_signs_in_with_totp_and_uses_the_workbench(
    browser_page, staff_factory, person_factory
):
    page = browser_page
    staff = staff_factory(department="县市场监管局", roles=("window_clerk", "department_head"))
    colleague = staff_factory(department="县卫生健康局")
    id_number = make_citizen_id("33042419760915332")
    citizen = person_factory(name="沈国平", id_number=id_number, level="L2")

    sign_in_staff(page, staff)
    # First sign-in: the enrolment shows the key to add to the authenticator app.
    secret = page.locator("#totp-secret").inner_text().strip()
    assert secret == staff.user.totp_secret
    assert_accessible(page)
    screenshot(page, "workbench-totp-enrol")
    page.fill("#id_code", pyotp.TOTP(secret).now())
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/workbench/")
    main = page.locator("main")
    assert "县市场监管局" in main.inner_text()
    assert main.locator('a[href="/workbench/departments/HY-SCJG/"]').count() == 1
    assert main.locator('a[href="/workbench/departments/HY-WJJ/"]').count() == 0
    assert_accessible(page)
    screenshot(page, "workbench-home")

    page.goto("/workbench/departments/")
    assert "县卫生健康局" in page.locator("main").inner_text()
    assert_accessible(page)
    page.goto("/workbench/departments/HY-SCJG/")
    assert staff.user.display_name in page.locator("main").inner_text()
    assert_accessible(page)
    response = page.goto("/workbench/departments/HY-WJJ/")
    assert response.status == 404
    assert colleague.user.display_name not in page.content()
    assert_accessible(page)

    page.goto("/workbench/people/")
    assert_accessible(page)
    page.fill("#id_id_number", id_number)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "沈国平" in page.locator("main").inner_text()
    assert_accessible(page)
    page.locator('form[action$="/verify/"] button').click()
    page.wait_for_url("**/workbench/people/")
    citizen.refresh_from_db()
    assert citizen.assurance_level == "L3"

    page.goto("/workbench/grants/")
    page.fill("#id_username", colleague.user.username)
    page.select_option("#id_department", str(staff.department_id))
    page.fill("#id_reason", "食品经营许可联合审查")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/workbench/grants/")
    assert "食品经营许可联合审查" in page.locator("main").inner_text()
    assert_accessible(page)
    screenshot(page, "workbench-grants")

    # The second sign-in asks only for the code.
    page.goto("/workbench/")
    page.locator('main form[action="/logout/"] button').click()
    page.wait_for_load_state()
    sign_in_staff(page, staff)
    assert page.locator("#totp-secret").count() == 0


def test_citizens_are_refused_the_workbench(browser_page, person_factory):
    page = browser_page
    citizen = person_factory(name="顾红")
    page.goto("/login/")
    page.fill("#id_identifier", citizen.phone)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    response = page.goto("/workbench/")
    assert response.status == 403
    assert_accessible(page)
