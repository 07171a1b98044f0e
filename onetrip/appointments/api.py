"""REST endpoints of appointments (for the 浙里办 app and the halls' queue systems): the days
and free times of a hall for a matter (public), one's own appointments, booking, cancelling."""

import datetime

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from onetrip.catalogue import selectors as catalogue_selectors
from onetrip.core.errors import DomainError
from onetrip.identity.api_auth import bearer_or_session

from . import selectors, services
from .models import Appointment

router = Router(tags=["appointments"], auth=bearer_or_session)


class SlotOut(Schema):
    start: str
    end: str
    free: int


class HallOut(Schema):
    code: str
    name: str
    address: str
    days: list[datetime.date]


class SlotsOut(Schema):
    matter: str
    halls: list[HallOut]
    hall: str | None
    day: datetime.date | None
    slots: list[SlotOut]


class AppointmentOut(Schema):
    number: str
    matter_code: str
    hall: str
    hall_name: str
    day: datetime.date
    start: str
    end: str
    status: str
    ticket: str


class BookIn(Schema):
    matter: str
    hall: str
    day: datetime.date
    start: str


class CancelIn(Schema):
    reason: str = ""


def _out(a: Appointment) -> dict:
    return {
        "number": a.number,
        "matter_code": a.matter.code,
        "hall": a.hall.code,
        "hall_name": a.hall.name,
        "day": a.day,
        "start": a.starts_at.strftime("%H:%M"),
        "end": a.ends_at.strftime("%H:%M"),
        "status": a.status,
        "ticket": a.ticket,
    }


@router.get("appointments/slots", response=SlotsOut, auth=None)
def slots(request, matter: str, hall: str = "", day: datetime.date | None = None):
    """The halls that take `matter` at a window with their bookable days, and the free times
    of `hall` (default: the first) on `day` (default: its first bookable day)."""
    version = catalogue_selectors.matter_get_public(code=matter)
    halls = selectors.halls_for(version)
    chosen = next((h for h in halls if h.code == hall), halls[0] if halls else None)
    if hall and (chosen is None or chosen.code != hall):
        raise DomainError(
            "appointments.hall_not_serving",
            _("This hall does not take this matter at its windows."),
            detail={"hall": hall},
            status=422,
        )
    days = {h.code: selectors.bookable_days(h) for h in halls}
    day = day or (days[chosen.code][0] if chosen and days[chosen.code] else None)
    free = selectors.slots(chosen, day) if chosen and day in days.get(chosen.code, []) else []
    return {
        "matter": version.matter.code,
        "halls": [
            {"code": h.code, "name": h.name, "address": h.address, "days": days[h.code]}
            for h in halls
        ],
        "hall": chosen.code if chosen else None,
        "day": day,
        "slots": [
            {"start": s.key, "end": s.ends_at.strftime("%H:%M"), "free": s.free} for s in free
        ],
    }


@router.get("appointments", response=list[AppointmentOut])
def my_list(request):
    """The caller's appointments, newest day first."""
    return [_out(a) for a in selectors.appointments_for_person(user=request.user)[:100]]


@router.post("appointments", response={201: AppointmentOut})
def book(request, payload: BookIn):
    """Book a time: 201; 422 `appointments.day_not_bookable` / `slot_not_bookable` /
    `hall_not_serving`; 409 `appointments.slot_full` / `already_booked` / `barred`; 403
    `appointments.person_only`."""
    version = catalogue_selectors.matter_get_public(code=payload.matter)
    appointment = services.appointment_book(
        actor=request.user,
        version=version,
        hall=selectors.hall_get(payload.hall),
        day=payload.day,
        start=payload.start,
        request=request,
    )
    return Status(201, _out(appointment))


@router.get("appointments/{number}", response=AppointmentOut)
def one(request, number: str):
    return _out(selectors.appointment_get_for_person(user=request.user, number=number))


@router.post("appointments/{number}/cancel", response=AppointmentOut)
def cancel(request, number: str, payload: CancelIn):
    """Cancel one's own booking before its time: 409 `appointments.not_booked` / `started`."""
    appointment = selectors.appointment_get_for_person(user=request.user, number=number)
    return _out(
        services.appointment_cancel(
            actor=request.user, appointment=appointment, reason=payload.reason, request=request
        )
    )
