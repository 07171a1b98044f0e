"""In Chromium: on a phone a citizen opens a matter's guide, books a time at the hall and reads
what to bring; at the hall the window clerk checks them in (a priority ticket) and starts the
counter intake with their ID number and the matter already filled in."""

import pytest

from onetrip.appointments.models import Appointment
from onetrip.conftest import assert_accessible, screenshot
from onetrip.objections.tests.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_books_on_a_phone_and_the_clerk_checks_them_in(
    phone_page, chromium, live_server, clock, hall, version, citizen, clerk
):
    page = phone_page
    page.goto(f"/matters/{version.matter.code}/")
    page.get_by_test_id("book-appointment").click()
    sign_in(page, citizen.person.id_number)
    page.wait_for_url(f"**/appointments/new/{version.matter.code}/")
    assert hall.name in page.inner_text("main")
    slots = page.get_by_test_id("slot")
    assert slots.count() == 14
    assert_accessible(page)
    screenshot(page, "appointments-book-phone")
    slots.filter(has_text="09:30–10:00").click()
    page.get_by_test_id("book").click()
    page.wait_for_url("**/appointments/YY*/")
    appointment = Appointment.objects.get()
    assert page.get_by_test_id("appointment-number").inner_text() == appointment.number
    bring = page.get_by_test_id("bring").inner_text()
    assert "申请书" in bring and "无需携带" in bring  # the ID card material comes from shared data
    assert_accessible(page)
    screenshot(page, "appointments-booked-phone")

    desk_context = chromium.new_context(
        viewport={"width": 1280, "height": 860}, locale="zh-CN", base_url=live_server.url
    )
    desk_context.set_default_timeout(15_000)
    desk = desk_context.new_page()
    desk.goto("/workbench/appointments/")
    sign_in(desk, clerk.username, totp_secret=clerk.totp_secret)
    desk.wait_for_url("**/workbench/appointments/")
    row = desk.get_by_test_id("appointment-row")
    assert row.count() == 1 and appointment.number in row.inner_text()
    assert_accessible(desk)
    desk.get_by_test_id("arrive").click()
    desk.wait_for_load_state()
    assert "Y001" in desk.get_by_test_id("appointment-table").inner_text()
    screenshot(desk, "appointments-hall-day")
    desk.get_by_test_id("start-intake").click()
    desk.wait_for_url("**/workbench/cases/intake/**")
    assert desk.input_value("#id-number") == citizen.person.id_number
    assert desk.input_value("#matter-code") == version.matter.code
    desk_context.close()

    page.goto(f"/appointments/{appointment.number}/")
    assert "Y001" in page.get_by_test_id("appointment-facts").inner_text()
