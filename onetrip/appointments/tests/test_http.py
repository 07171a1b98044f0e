"""Appointments over HTTP: the portal's booking pages, the clerks' day, the API."""

import datetime

import pytest
from django.test import Client

from onetrip.appointments import services
from onetrip.appointments.models import Appointment, AppointmentStatus
from onetrip.core.models import AuditEntry

from .conftest import MORNING

pytestmark = pytest.mark.django_db(transaction=True)

DAY = MORNING.date()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_person_books_from_the_guide_and_sees_what_to_bring(clock, hall, version, citizen):
    client = _client(citizen)
    guide = client.get(f"/matters/{version.matter.code}/").content.decode()
    assert f"/appointments/new/{version.matter.code}/" in guide
    page = client.get(f"/appointments/new/{version.matter.code}/")
    text = page.content.decode()
    assert page.status_code == 200 and "08:30" in text and hall.name in text
    refused = client.post(
        f"/appointments/new/{version.matter.code}/",
        {"hall": hall.code, "day": "2026-10-02", "start": "09:00"},
    )
    assert refused.status_code == 422 and Appointment.objects.count() == 0
    elsewhere = client.post(
        f"/appointments/new/{version.matter.code}/",
        {"hall": "NO-SUCH-HALL", "day": DAY.isoformat(), "start": "09:00"},
    )
    assert elsewhere.status_code == 422 and Appointment.objects.count() == 0
    booked = client.post(
        f"/appointments/new/{version.matter.code}/",
        {"hall": hall.code, "day": DAY.isoformat(), "start": "09:00"},
        follow=True,
    )
    appointment = Appointment.objects.get()
    text = booked.content.decode()
    assert booked.status_code == 200 and appointment.number in text
    assert "申请书" in text and "经营场所使用证明" in text  # the guide's materials to bring
    assert appointment.number in client.get("/appointments/").content.decode()
    cancelled = client.post(f"/appointments/{appointment.number}/cancel/", {}, follow=True)
    assert cancelled.status_code == 200
    assert Appointment.objects.get().status == AppointmentStatus.CANCELLED


def test_others_cannot_see_an_appointment(clock, hall, version, citizen, person_factory):
    appointment = services.appointment_book(
        actor=citizen, version=version, hall=hall, day=DAY, start="09:00"
    )
    stranger = _client(person_factory(name="王五"))
    assert stranger.get(f"/appointments/{appointment.number}/").status_code == 404
    assert stranger.post(f"/appointments/{appointment.number}/cancel/").status_code == 404
    assert Client().get("/appointments/").status_code == 302


def test_the_clerk_checks_in_and_starts_the_intake(clock, hall, version, citizen, clerk, reviewer):
    appointment = services.appointment_book(
        actor=citizen, version=version, hall=hall, day=DAY, start="09:00"
    )
    assert _client(reviewer).get("/workbench/appointments/").status_code == 403
    client = _client(clerk)
    day = client.get("/workbench/appointments/", {"hall": hall.code, "day": DAY.isoformat()})
    assert appointment.number in day.content.decode()
    assert AuditEntry.objects.filter(action="appointments.day.read").exists()
    done = client.post(f"/workbench/appointments/{appointment.number}/arrive/", follow=True)
    assert "Y001" in done.content.decode()
    assert done.content.decode().count('data-testid="appointment-summary"') == 1
    assert "<title>预约办理" in done.content.decode()
    assert "0%" in done.content.decode()  # the one whose day came, came
    link = f"/workbench/cases/intake/?id_number={citizen.person.id_number}"
    assert link in done.content.decode()
    intake = client.get(
        "/workbench/cases/intake/",
        {"id_number": citizen.person.id_number, "matter_code": version.matter.code},
    ).content.decode()
    assert f'value="{citizen.person.id_number}"' in intake
    assert f'value="{version.matter.code}"' in intake


def test_the_api_offers_times_books_and_cancels(clock, hall, version, citizen, token_for):
    free = Client().get("/api/v1/appointments/slots", {"matter": version.matter.code}).json()
    assert free["hall"] == hall.code and free["day"] == DAY.isoformat()
    assert free["slots"][0] == {"start": "08:30", "end": "09:00", "free": 2}
    auth = token_for(citizen)
    client = Client()
    body = {"matter": version.matter.code, "hall": hall.code, "day": DAY.isoformat()}
    made = client.post(
        "/api/v1/appointments", {**body, "start": "09:00"}, "application/json", **auth
    )
    assert made.status_code == 201 and made.json()["start"] == "09:00"
    twice = client.post(
        "/api/v1/appointments", {**body, "start": "10:00"}, "application/json", **auth
    )
    assert twice.status_code == 409 and twice.json()["code"] == "appointments.already_booked"
    bad = client.post(
        "/api/v1/appointments", {**body, "start": "07:00"}, "application/json", **auth
    )
    assert bad.status_code == 422 and bad.json()["code"] == "appointments.slot_not_bookable"
    nowhere = client.post(
        "/api/v1/appointments",
        {**body, "hall": "NOPE", "start": "09:00"},
        "application/json",
        **auth,
    )
    assert nowhere.status_code == 404
    number = made.json()["number"]
    assert [a["number"] for a in client.get("/api/v1/appointments", **auth).json()] == [number]
    gone = client.post(
        f"/api/v1/appointments/{number}/cancel", {"reason": ""}, "application/json", **auth
    )
    assert gone.status_code == 200 and gone.json()["status"] == "cancelled"
    assert Client().post("/api/v1/appointments", body, "application/json").status_code == 401


def test_the_day_after_a_holiday_is_offered_in_the_api(clock, hall, version):
    clock(datetime.datetime(2026, 9, 30, 16, 50, tzinfo=MORNING.tzinfo))  # no slot left today
    free = Client().get("/api/v1/appointments/slots", {"matter": version.matter.code}).json()
    assert free["halls"][0]["days"][0] == "2026-10-08"


def test_an_administrator_sets_a_halls_rules_in_the_admin(clock, hall, staff_factory):
    from onetrip.appointments import selectors

    administrator = staff_factory(roles=("administrator",)).user
    client = _client(administrator)
    response = client.post(
        "/admin/appointments/hallschedule/add/",
        {
            "hall": hall.pk,
            "is_open": "on",
            "sessions": '[["09:00", "11:00"]]',
            "slot_minutes": "60",
            "capacity": "3",
            "days_ahead": "2",
        },
    )
    assert response.status_code == 302
    slots = selectors.slots(hall, DAY)
    assert [(s.key, s.capacity) for s in slots] == [("09:00", 3), ("10:00", 3)]
    assert len(selectors.bookable_days(hall)) == 2
    assert AuditEntry.objects.filter(action__startswith="admin.").exists()


def test_todays_bookings_are_on_the_clerks_to_do_list(clock, hall, version, citizen, clerk):
    client = _client(clerk)
    assert "今日待签到的预约" not in client.get("/workbench/").content.decode()
    services.appointment_book(actor=citizen, version=version, hall=hall, day=DAY, start="09:00")
    page = client.get("/workbench/").content.decode()
    assert "今日待签到的预约" in page and "/workbench/appointments/" in page


def test_the_lists_read_a_fixed_number_of_queries(
    clock, hall, version, citizen, person_factory, clerk, django_assert_max_num_queries
):
    for index, start in enumerate(["09:00", "09:30", "10:00"]):
        person = citizen if index == 0 else person_factory(name=f"王{index}")
        services.appointment_book(actor=person, version=version, hall=hall, day=DAY, start=start)
    from onetrip.appointments import selectors

    rows = selectors.hall_day(user=clerk, hall=hall, day=DAY)
    with django_assert_max_num_queries(0):  # the matters' names came with the rows
        names = [row.matter.current_version.name for row in rows]
    assert len(names) == 3
    with django_assert_max_num_queries(1):
        mine = [
            a.matter.current_version.name for a in selectors.appointments_for_person(user=citizen)
        ]
    assert mine == [version.name]
