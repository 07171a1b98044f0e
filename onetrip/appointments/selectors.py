"""Reads of appointments: which halls take a matter, their bookable days and slots, a person's
own appointments, and a hall's day for the window clerks (names and ID numbers: audited)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from onetrip.core import audit
from onetrip.core.errors import NotFound
from onetrip.departments.models import ServiceHall
from onetrip.workdays.selectors import workday_check

from .models import ACTIVE_STATUSES, DEFAULT_SESSIONS, Appointment, HallSchedule
from .policies import not_found


@dataclass(frozen=True)
class Schedule:
    is_open: bool
    sessions: list
    slot_minutes: int
    capacity: int
    days_ahead: int


@dataclass(frozen=True)
class Slot:
    starts_at: datetime.time
    ends_at: datetime.time
    capacity: int
    booked: int
    past: bool

    @property
    def free(self) -> int:
        return 0 if self.past else max(self.capacity - self.booked, 0)

    @property
    def key(self) -> str:
        return self.starts_at.strftime("%H:%M")


def schedule_for(hall: ServiceHall) -> Schedule:
    row = HallSchedule.objects.filter(hall=hall).first()
    general = hall.windows.filter(is_general=True).count()
    if row is None:
        return Schedule(True, DEFAULT_SESSIONS, 30, max(general, 1), 5)
    return Schedule(
        row.is_open,
        row.sessions or DEFAULT_SESSIONS,
        max(row.slot_minutes, 5),
        row.capacity or max(general, 1),
        row.days_ahead,
    )


def halls_for(version) -> list[ServiceHall]:
    """Halls that take the matter at a window: one with a general window (一窗受理) or a
    window of the matter's department; none for a matter not handled at the counter."""
    if not version.counter:
        return []
    department_id = version.matter.department_id
    return list(
        ServiceHall.objects.filter(
            Q(windows__is_general=True) | Q(windows__departments__id=department_id)
        )
        .distinct()
        .order_by("code")
    )


def now() -> datetime.datetime:
    """The hall's clock (local time): one place, so that every rule reads the same time."""
    return timezone.localtime()


def today() -> datetime.date:
    return now().date()


def lead_minutes() -> int:
    """How long before a slot it can still be booked (the hall prepares)."""
    return int(getattr(settings, "ONETRIP_APPOINTMENT_LEAD_MINUTES", 30))


def _times(session: list, minutes: int) -> list[tuple[datetime.time, datetime.time]]:
    start = datetime.datetime.combine(datetime.date.min, datetime.time.fromisoformat(session[0]))
    end = datetime.datetime.combine(datetime.date.min, datetime.time.fromisoformat(session[1]))
    step = datetime.timedelta(minutes=minutes)
    times = []
    while start + step <= end:
        times.append((start.time(), (start + step).time()))
        start += step
    return times


def slots(hall: ServiceHall, day: datetime.date) -> list[Slot]:
    """The day's slots with their bookings; a slot less than the lead time away is past."""
    schedule = schedule_for(hall)
    booked = dict(
        Appointment.objects.filter(hall=hall, day=day, status__in=ACTIVE_STATUSES)
        .values_list("starts_at")
        .annotate(n=Count("pk"))
        .values_list("starts_at", "n")
    )
    cutoff = now() + datetime.timedelta(minutes=lead_minutes())
    found = []
    for session in schedule.sessions:
        for starts_at, ends_at in _times(session, schedule.slot_minutes):
            begins = timezone.make_aware(datetime.datetime.combine(day, starts_at))
            found.append(
                Slot(
                    starts_at, ends_at, schedule.capacity, booked.get(starts_at, 0), begins < cutoff
                )
            )
    return found


def bookable_days(hall: ServiceHall) -> list[datetime.date]:
    """Today (while a slot is left) and the next working days, `days_ahead` in all; none
    while the hall takes no appointments. Days whose calendar is provisional are left out."""
    schedule = schedule_for(hall)
    if not schedule.is_open:
        return []
    days, day = [], now().date()
    while len(days) < schedule.days_ahead + 1 and day < now().date() + datetime.timedelta(60):
        info = workday_check(day)
        if info.is_workday and not info.provisional:
            days.append(day)
        day += datetime.timedelta(days=1)
    if days and days[0] == now().date() and not any(s.free for s in slots(hall, days[0])):
        days = days[1:]
    return days[: schedule.days_ahead]


def appointments_for_person(*, user):
    return (
        Appointment.objects.filter(user=user)
        .select_related("hall", "matter__current_version")
        .order_by("-day", "-starts_at")
    )


def appointment_get_for_person(*, user, number: str) -> Appointment:
    found = appointments_for_person(user=user).filter(number=number).first()
    if found is None:
        raise not_found(number)
    return found


def hall_day(*, user, hall: ServiceHall, day: datetime.date, request=None) -> list[Appointment]:
    """A hall's appointments of a day for its window clerks: who comes (names and ID numbers),
    an audited read."""
    rows = list(
        Appointment.objects.filter(hall=hall, day=day)
        .select_related("matter__current_version")
        .order_by("starts_at", "number")
    )
    audit.record(
        actor=user,
        action="appointments.day.read",
        target_type="departments.servicehall",
        target_id=hall.code,
        purpose="hall appointments",
        request=request,
        detail={"day": day.isoformat(), "rows": len(rows)},
    )
    return rows


def appointment_get_for_staff(*, number: str) -> Appointment:
    found = Appointment.objects.select_related("hall", "matter", "user").filter(number=number)
    if (appointment := found.first()) is None:
        raise not_found(number)
    return appointment


@dataclass(frozen=True)
class HallSummary:
    since: datetime.date
    until: datetime.date
    counts: dict  # status → bookings

    @property
    def no_show_rate(self) -> float | None:
        """Of the bookings whose day came (checked in or not), the share nobody came to."""
        came, missed = self.counts.get("arrived", 0), self.counts.get("no_show", 0)
        return missed / (came + missed) if came + missed else None


def hall_summary(hall: ServiceHall, *, until: datetime.date, days: int = 30) -> HallSummary:
    """How a hall's appointments went over the `days` days up to `until` (for its managers:
    how many came, how many did not, how many cancelled)."""
    since = until - datetime.timedelta(days=days - 1)
    counts = dict(
        Appointment.objects.filter(hall=hall, day__range=(since, until))
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return HallSummary(since, until, counts)


def waiting_today() -> int:
    return Appointment.objects.filter(day=now().date(), status="booked").count()


def hall_get(code: str) -> ServiceHall:
    hall = ServiceHall.objects.filter(code=code).first()
    if hall is None:
        raise NotFound(
            "appointments.hall_not_found", _("No such service hall."), detail={"hall": code}
        )
    return hall
