"""The demo's appointments at the county's service hall (预约办理): 陈建国 (L2) and 李秀英 (L3)
booked times on the next days the hall is open, through the booking service; 王晓燕 (L1)
missed one last week."""

import datetime

from onetrip.appointments import selectors, services
from onetrip.appointments.models import Appointment, AppointmentStatus
from onetrip.catalogue.selectors import matter_list_public
from onetrip.departments.models import ServiceHall


def _counter_matter():
    return (
        matter_list_public()
        .filter(counter=True)
        .select_related("matter")
        .order_by("matter__code")
        .first()
    )


def appointments_load(*, citizens: dict) -> None:
    hall = ServiceHall.objects.order_by("code").first()
    version = _counter_matter()
    if hall is None or version is None or Appointment.objects.exists():
        return
    days = selectors.bookable_days(hall)
    for key, day, start in (("citizen_l2", 0, "09:30"), ("citizen_l3", 1, "14:00")):
        if len(days) > day:
            free = [s.key for s in selectors.slots(hall, days[day]) if s.free]
            if free:
                services.appointment_book(
                    actor=citizens[key],
                    version=version,
                    hall=hall,
                    day=days[day],
                    start=start if start in free else free[0],
                )
    l1 = citizens["citizen_l1"]
    person = l1.person
    Appointment.objects.create(
        number="YYDEMO0001",
        hall=hall,
        matter=version.matter,
        user=l1,
        name=person.name,
        id_number=person.id_number,
        phone=l1.phone,
        day=selectors.today() - datetime.timedelta(days=7),
        starts_at=datetime.time(10, 0),
        ends_at=datetime.time(10, 30),
        status=AppointmentStatus.NO_SHOW,
    )
