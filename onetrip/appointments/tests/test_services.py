"""Booking a time at a hall: slots of working days, capacity, one booking a day, cancelling,
checking in with a ticket, no-shows and the pause after too many, reminders."""

import datetime

import pytest

from onetrip.appointments import selectors, services
from onetrip.appointments.models import Appointment, AppointmentStatus, HallSchedule
from onetrip.conftest import wait_for_sms_text
from onetrip.core.errors import DomainError, NotFound, PermissionDenied
from onetrip.core.models import AuditEntry
from onetrip.notify.models import Notification

from .conftest import MORNING

pytestmark = pytest.mark.django_db(transaction=True)

DAY = MORNING.date()  # 2026-09-29, a Tuesday


def _book(person, version, hall, day=DAY, start="09:00"):
    return services.appointment_book(actor=person, version=version, hall=hall, day=day, start=start)


def _code(call) -> str:
    with pytest.raises(DomainError) as raised:
        call()
    return raised.value.code


def test_a_working_day_has_its_slots_and_the_holidays_have_none(clock, hall, version):
    slots = selectors.slots(hall, DAY)
    assert [s.key for s in slots][:3] == ["08:30", "09:00", "09:30"]
    assert len(slots) == 14 and slots[-1].ends_at == datetime.time(17, 0)
    assert {s.capacity for s in slots} == {2}  # one per general window
    assert slots[0].past is False  # 08:30 is 30 minutes away at 08:00
    clock(MORNING.replace(minute=55))  # 08:55: the 09:00 slot is within the lead time
    assert [s.past for s in selectors.slots(hall, DAY)][:3] == [True, True, False]

    days = selectors.bookable_days(hall)
    assert days[:2] == [DAY, datetime.date(2026, 9, 30)]
    assert not any(datetime.date(2026, 10, 1) <= d <= datetime.date(2026, 10, 7) for d in days)
    assert datetime.date(2026, 10, 8) in days and len(days) == 5
    assert selectors.halls_for(version) == [hall]


def test_a_hall_closed_for_appointments_offers_no_day(clock, hall, version, citizen):
    HallSchedule.objects.create(hall=hall, is_open=False)
    assert selectors.bookable_days(hall) == []
    assert _code(lambda: _book(citizen, version, hall)) == "appointments.day_not_bookable"


def test_booking_tells_the_person_and_is_audited(clock, hall, version, citizen, sms_outbox):
    appointment = _book(citizen, version, hall)
    assert appointment.number == "YY202609290001"
    assert (appointment.starts_at, appointment.ends_at) == (
        datetime.time(9, 0),
        datetime.time(9, 30),
    )
    assert appointment.name == "李四" and appointment.id_number == citizen.person.id_number
    message = Notification.objects.get(user=citizen)
    assert appointment.number in message.title and "武原街道示例路1号" in message.body
    assert "食品经营许可" in wait_for_sms_text(sms_outbox, citizen.phone, appointment.number)
    entry = AuditEntry.objects.get(action="appointments.book")
    assert entry.subject_id == citizen.person.id_number
    assert [s.booked for s in selectors.slots(hall, DAY) if s.key == "09:00"] == [1]


def test_a_full_slot_and_a_second_booking_are_refused(
    clock, hall, version, citizen, person_factory
):
    HallSchedule.objects.create(hall=hall, capacity=1)
    _book(citizen, version, hall)
    second = person_factory(name="王五")
    assert _code(lambda: _book(second, version, hall)) == "appointments.slot_full"
    assert _code(lambda: _book(citizen, version, hall, start="10:00")) == (
        "appointments.already_booked"
    )
    _book(second, version, hall, start="10:00")
    assert Appointment.objects.count() == 2


def test_days_times_and_halls_not_offered_are_refused(clock, hall, version, citizen, region):
    from onetrip.departments.models import ServiceHall

    holiday = datetime.date(2026, 10, 2)
    assert _code(lambda: _book(citizen, version, hall, day=holiday)) == (
        "appointments.day_not_bookable"
    )
    assert _code(lambda: _book(citizen, version, hall, start="12:30")) == (
        "appointments.slot_not_bookable"
    )
    clock(MORNING.replace(hour=10))
    assert _code(lambda: _book(citizen, version, hall, start="10:00")) == (
        "appointments.slot_not_bookable"
    )
    town = ServiceHall.objects.create(code="T", name="某镇便民服务中心", region=region, address="x")
    assert _code(lambda: _book(citizen, version, town)) == "appointments.hall_not_serving"
    online_only = version.__class__.objects.get(pk=version.pk)
    online_only.counter = False
    assert _code(lambda: _book(citizen, online_only, hall)) == "appointments.hall_not_serving"
    assert Appointment.objects.count() == 0


def test_staff_cannot_book(clock, hall, version, clerk):
    with pytest.raises(PermissionDenied):
        _book(clerk, version, hall)


def test_the_person_cancels_before_the_time_and_the_hall_with_a_reason(
    clock, hall, version, citizen, person_factory, clerk
):
    appointment = _book(citizen, version, hall)
    stranger = person_factory(name="王五")
    with pytest.raises(NotFound):
        services.appointment_cancel(actor=stranger, appointment=appointment)
    clock(MORNING.replace(hour=9, minute=1))
    assert _code(lambda: services.appointment_cancel(actor=citizen, appointment=appointment)) == (
        "appointments.started"
    )
    clock(MORNING)
    cancelled = services.appointment_cancel(actor=citizen, appointment=appointment, reason="有事")
    assert cancelled.status == AppointmentStatus.CANCELLED and not cancelled.cancelled_by_staff
    assert _code(lambda: services.appointment_cancel(actor=citizen, appointment=cancelled)) == (
        "appointments.not_booked"
    )
    again = _book(citizen, version, hall)  # the day is free again for them
    assert _code(lambda: services.appointment_cancel(actor=clerk, appointment=again)) == (
        "appointments.reason_required"
    )
    services.appointment_cancel(actor=clerk, appointment=again, reason="系统维护暂停窗口服务")
    told = Notification.objects.filter(user=citizen).order_by("-pk").first()
    assert "系统维护暂停窗口服务" in told.body


def test_check_in_on_the_day_gives_tickets_in_order(
    clock, hall, version, citizen, person_factory, clerk
):
    first = _book(citizen, version, hall)
    second = _book(person_factory(name="王五"), version, hall, start="09:30")
    later = _book(person_factory(name="赵六"), version, hall, day=datetime.date(2026, 9, 30))
    with pytest.raises(NotFound):
        services.appointment_arrive(actor=citizen, appointment=first)
    assert services.appointment_arrive(actor=clerk, appointment=second).ticket == "Y001"
    assert services.appointment_arrive(actor=clerk, appointment=first).ticket == "Y002"
    assert _code(lambda: services.appointment_arrive(actor=clerk, appointment=first)) == (
        "appointments.not_booked"
    )
    assert _code(lambda: services.appointment_arrive(actor=clerk, appointment=later)) == (
        "appointments.not_today"
    )
    assert AuditEntry.objects.filter(action="appointments.arrive").count() == 2


def test_missed_appointments_are_marked_and_too_many_pause_booking(
    clock, hall, version, citizen, clerk
):
    past = [datetime.date(2026, 9, d) for d in (21, 22, 23)]
    for index, day in enumerate(past):
        Appointment.objects.create(
            number=f"YYOLD{index}",
            hall=hall,
            matter=version.matter,
            user=citizen,
            name="李四",
            id_number=citizen.person.id_number,
            day=day,
            starts_at=datetime.time(9),
            ends_at=datetime.time(9, 30),
        )
    arrived = _book(citizen, version, hall)
    services.appointment_arrive(actor=clerk, appointment=arrived)
    assert services.no_shows_mark(today=DAY) == 3
    assert services.no_shows_mark(today=DAY) == 0
    assert Appointment.objects.filter(status=AppointmentStatus.NO_SHOW).count() == 3
    assert Appointment.objects.get(pk=arrived.pk).status == AppointmentStatus.ARRIVED
    assert Notification.objects.filter(user=citizen, title__contains="YYOLD").count() == 3
    with pytest.raises(DomainError) as raised:
        _book(citizen, version, hall, day=datetime.date(2026, 9, 30))
    assert raised.value.code == "appointments.barred"
    assert raised.value.detail["until"] == "2026-12-20"  # 90 days after the oldest of the three


def test_reminders_go_the_working_day_before_once(clock, hall, version, citizen, person_factory):
    after_holiday = datetime.date(2026, 10, 8)
    clock(datetime.datetime(2026, 9, 30, 8, 0, tzinfo=MORNING.tzinfo))
    soon = _book(citizen, version, hall, day=after_holiday)
    _book(person_factory(name="王五"), version, hall, day=datetime.date(2026, 10, 9))
    assert services.reminders_send(today=datetime.date(2026, 9, 29)) == 0
    assert services.reminders_send(today=datetime.date(2026, 9, 30)) == 1  # Oct 8 is next
    assert services.reminders_send(today=datetime.date(2026, 9, 30)) == 0
    assert Appointment.objects.get(pk=soon.pk).reminded_at is not None


def test_the_tasks_run_through_celery(clock, hall, version, citizen):
    from onetrip.appointments import tasks

    _book(citizen, version, hall)
    assert tasks.reminders_send.delay("2026-09-28").get(timeout=30) == 1
    assert tasks.no_shows_mark.delay("2026-09-30").get(timeout=30) == 1


def test_a_halls_last_30_days(clock, hall, version, citizen, person_factory, clerk):
    came = _book(citizen, version, hall)
    services.appointment_arrive(actor=clerk, appointment=came)
    missed = _book(person_factory(name="王五"), version, hall)
    _book(person_factory(name="赵六"), version, hall, start="10:00")
    services.appointment_cancel(actor=clerk, appointment=missed, reason="窗口临时关闭")
    assert selectors.hall_summary(hall, until=DAY).no_show_rate == 0.0
    services.no_shows_mark(today=DAY + datetime.timedelta(days=1))  # 赵六 did not come
    summary = selectors.hall_summary(hall, until=DAY)
    assert summary.counts == {"arrived": 1, "cancelled": 1, "no_show": 1}
    assert summary.no_show_rate == 0.5
    assert summary.since == DAY - datetime.timedelta(days=29)
    assert selectors.hall_summary(hall, until=DAY - datetime.timedelta(days=1)).counts == {}
