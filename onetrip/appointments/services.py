"""Every write of appointments: booking, cancelling, checking in, marking who did not come, and
the reminder the working day before.

A person who did not come `ONETRIP_APPOINTMENT_NO_SHOW_LIMIT` (3) times within
`ONETRIP_APPOINTMENT_NO_SHOW_DAYS` (90) days may not book until the oldest of those falls out
of the period: a slot held and not used is one another person could not have."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onetrip.accounts import selectors as account_selectors
from onetrip.catalogue.models import MatterVersion
from onetrip.core import audit
from onetrip.core.errors import DomainError, PermissionDenied
from onetrip.departments.models import ServiceHall
from onetrip.notify.services import notification_send
from onetrip.workdays.selectors import workday_add

from . import policies, selectors
from .models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentSerial,
    AppointmentStatus,
    HallSchedule,
)

CANCEL_REASON_MAX_LENGTH = 200


def matter_name(appointment: Appointment) -> str:
    version = appointment.matter.current_version
    return version.name if version else appointment.matter.code


def starts(appointment: Appointment) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(appointment.day, appointment.starts_at))


def _link(appointment: Appointment) -> str:
    return f"/appointments/{appointment.number}/"


def _when(appointment: Appointment) -> str:
    return f"{appointment.day:%Y-%m-%d} {appointment.starts_at:%H:%M}-{appointment.ends_at:%H:%M}"


def _audit(appointment: Appointment, actor, action: str, request, **detail) -> None:
    audit.record(
        actor=actor,
        action=f"appointments.{action}",
        target=appointment,
        target_id=appointment.number,
        subject_type="person",
        subject_id=appointment.id_number,
        request=request,
        detail=detail,
    )


def _next_serial(key: str) -> int:
    AppointmentSerial.objects.get_or_create(key=key)
    serial = AppointmentSerial.objects.select_for_update().get(key=key)
    serial.last += 1
    serial.save(update_fields=["last"])
    return serial.last


def _refused(code: str, message: str, status: int = 409, **detail) -> DomainError:
    return DomainError(f"appointments.{code}", message, detail=detail, status=status)


def no_show_bar(user, *, today: datetime.date) -> datetime.date | None:
    """The first day the person may book again, or None when they may book now."""
    limit = int(getattr(settings, "ONETRIP_APPOINTMENT_NO_SHOW_LIMIT", 3))
    days = int(getattr(settings, "ONETRIP_APPOINTMENT_NO_SHOW_DAYS", 90))
    recent = list(
        Appointment.objects.filter(
            user=user,
            status=AppointmentStatus.NO_SHOW,
            day__gt=today - datetime.timedelta(days=days),
        )
        .order_by("-day")
        .values_list("day", flat=True)[:limit]
    )
    if len(recent) < limit:
        return None
    return recent[-1] + datetime.timedelta(days=days)


def _check_slot(hall: ServiceHall, day: datetime.date, start: str):
    if day not in selectors.bookable_days(hall):
        raise _refused(
            "day_not_bookable",
            _("Appointments cannot be made for this day: choose one of the days offered."),
            status=422,
            day=day.isoformat(),
        )
    slot = next((s for s in selectors.slots(hall, day) if s.key == start), None)
    if slot is None or slot.past:
        raise _refused(
            "slot_not_bookable",
            _("This time cannot be booked: choose one of the times offered."),
            status=422,
            start=start,
        )
    if slot.free <= 0:
        raise _refused("slot_full", _("This time is fully booked: choose another."), start=start)
    return slot


def appointment_book(
    *,
    actor,
    version: MatterVersion,
    hall: ServiceHall,
    day: datetime.date,
    start: str,
    request=None,
) -> Appointment:
    """Book `start` (HH:MM) on `day` at `hall` for the matter, for the signed-in person."""
    person = account_selectors.person_for_user(user=actor) if actor.is_authenticated else None
    if person is None:
        raise PermissionDenied(
            "appointments.person_only", _("Only a registered person can book an appointment.")
        )
    if hall not in selectors.halls_for(version):
        raise _refused(
            "hall_not_serving",
            _("This hall does not take this matter at its windows."),
            status=422,
            hall=hall.code,
        )
    today = selectors.today()
    if (until := no_show_bar(actor, today=today)) is not None:
        raise _refused(
            "barred",
            _("You missed several appointments; you can book again from %(day)s.")
            % {"day": until.isoformat()},
            until=until.isoformat(),
        )
    with transaction.atomic():
        # One booking at a time per hall: the capacity check and the insert see the same count.
        HallSchedule.objects.get_or_create(hall=hall)
        HallSchedule.objects.select_for_update().get(hall=hall)
        slot = _check_slot(hall, day, start)
        if Appointment.objects.filter(
            user=actor, day=day, hall=hall, status__in=ACTIVE_STATUSES
        ).exists():
            raise _refused(
                "already_booked",
                _("You already have an appointment at this hall on this day."),
                day=day.isoformat(),
            )
        serial = _next_serial(f"number:{day:%Y%m%d}")
        try:
            with transaction.atomic():
                appointment = Appointment.objects.create(
                    number=f"YY{day:%Y%m%d}{serial:04d}",
                    hall=hall,
                    matter=version.matter,
                    user=actor,
                    name=person.name,
                    id_number=person.id_number,
                    phone=actor.phone or person.phone,
                    day=day,
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                )
        except IntegrityError as error:  # the same person, twice at once
            raise _refused(
                "already_booked",
                _("You already have an appointment at this hall on this day."),
                day=day.isoformat(),
            ) from error
        _audit(
            appointment, actor, "book", request, hall=hall.code, day=day.isoformat(), start=start
        )
        notification_send(
            user=actor,
            title=_("Appointment booked: %(number)s") % {"number": appointment.number},
            body=_("%(matter)s, %(when)s, %(hall)s (%(address)s). Bring your ID card.")
            % {
                "matter": version.name,
                "when": _when(appointment),
                "hall": hall.name,
                "address": hall.address,
            },
            link=_link(appointment),
        )
    return appointment


def _cancel_reason_clean(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise _refused(
            "reason_required",
            _("Say why the appointment is cancelled: the person is told."),
            status=422,
            fields={"reason": _("This field is required.")},
        )
    if len(reason) > CANCEL_REASON_MAX_LENGTH:
        raise _refused(
            "reason_too_long",
            _("The reason is at most %(n)s characters.") % {"n": CANCEL_REASON_MAX_LENGTH},
            status=422,
        )
    return reason


@transaction.atomic
def appointment_cancel(
    *, actor, appointment: Appointment, reason: str = "", request=None
) -> Appointment:
    """The person cancels their own booking before its time; a window clerk cancels for the
    hall (closed for the day, say), with a reason the person is told."""
    by_staff = policies.is_hall_staff(actor)
    if not by_staff and appointment.user_id != getattr(actor, "pk", None):
        raise policies.not_found(appointment.number)
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    reason = _cancel_reason_clean(reason, required=by_staff)
    if appointment.status != AppointmentStatus.BOOKED:
        raise _refused(
            "not_booked",
            _("Only a booked appointment can be cancelled."),
            status_now=appointment.status,
        )
    if not by_staff and starts(appointment) <= selectors.now():
        raise _refused(
            "started", _("The appointment's time has begun: it can no longer be cancelled.")
        )
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_at = selectors.now()
    appointment.cancel_reason = reason
    appointment.cancelled_by_staff = by_staff
    appointment.save(
        update_fields=["status", "cancelled_at", "cancel_reason", "cancelled_by_staff"]
    )
    _audit(appointment, actor, "cancel", request, by_staff=by_staff, reason=reason)
    if by_staff:
        notification_send(
            user=appointment.user,
            title=_("Your appointment %(number)s was cancelled by the hall")
            % {"number": appointment.number},
            body=_("%(when)s. Reason: %(reason)s. Please book another time.")
            % {"when": _when(appointment), "reason": reason},
            link=_link(appointment),
        )
    return appointment


@transaction.atomic
def appointment_arrive(*, actor, appointment: Appointment, request=None) -> Appointment:
    """Check the person in on the day (签到): a priority ticket (Y + serial of the hall's
    day) for the queue."""
    if not policies.is_hall_staff(actor):
        raise policies.not_found(appointment.number)
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status != AppointmentStatus.BOOKED:
        raise _refused(
            "not_booked",
            _("Only a booked appointment can be checked in."),
            status_now=appointment.status,
        )
    if appointment.day != selectors.today():
        raise _refused(
            "not_today",
            _("The appointment is for %(day)s: check in on that day.")
            % {"day": appointment.day.isoformat()},
        )
    serial = _next_serial(f"ticket:{appointment.hall.code}:{appointment.day:%Y%m%d}")
    appointment.status = AppointmentStatus.ARRIVED
    appointment.arrived_at, appointment.arrived_by = selectors.now(), actor
    appointment.ticket = f"Y{serial:03d}"
    appointment.save(update_fields=["status", "arrived_at", "arrived_by", "ticket"])
    _audit(appointment, actor, "arrive", request, ticket=appointment.ticket)
    return appointment


def no_shows_mark(*, today: datetime.date | None = None) -> int:
    """Each night: bookings of past days nobody came to are marked 爽约 and the person told
    (with the rule: too many and booking pauses)."""
    today = today or selectors.today()
    limit = int(getattr(settings, "ONETRIP_APPOINTMENT_NO_SHOW_LIMIT", 3))
    missed = Appointment.objects.filter(status=AppointmentStatus.BOOKED, day__lt=today)
    done = 0
    for appointment in missed.select_related("user", "hall"):
        with transaction.atomic():
            updated = Appointment.objects.filter(
                pk=appointment.pk, status=AppointmentStatus.BOOKED
            ).update(status=AppointmentStatus.NO_SHOW)
            if not updated:
                continue
            done += 1
            notification_send(
                user=appointment.user,
                title=_("You did not come to appointment %(number)s")
                % {"number": appointment.number},
                body=_(
                    "%(when)s at %(hall)s. Please cancel a booking you cannot keep: after "
                    "%(limit)s missed appointments booking pauses for a while."
                )
                % {"when": _when(appointment), "hall": appointment.hall.name, "limit": limit},
                link=_link(appointment),
                sms=False,
            )
    return done


def reminders_send(*, today: datetime.date | None = None) -> int:
    """Each afternoon: the bookings of the next working day, each once (SMS)."""
    today = today or selectors.today()
    upcoming = (
        Appointment.objects.filter(
            status=AppointmentStatus.BOOKED, day__gt=today, reminded_at__isnull=True
        )
        .order_by("starts_at")
        .select_related("user", "hall", "matter__current_version")
    )
    done = 0
    for appointment in upcoming.filter(day=workday_add(today, 1).date):
        with transaction.atomic():
            if not Appointment.objects.filter(pk=appointment.pk, reminded_at__isnull=True).update(
                reminded_at=selectors.now()
            ):
                continue
            notification_send(
                user=appointment.user,
                title=_("Reminder: appointment %(number)s") % {"number": appointment.number},
                body=_("%(matter)s, %(when)s, %(hall)s. Cancel it if you cannot come.")
                % {
                    "matter": matter_name(appointment),
                    "when": _when(appointment),
                    "hall": appointment.hall.name,
                },
                link=_link(appointment),
            )
            done += 1
    return done
