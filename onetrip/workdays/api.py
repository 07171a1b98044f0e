"""Public working-day arithmetic: GET /api/v1/workdays/add?start=YYYY-MM-DD&days=N."""

import datetime

from django.utils.translation import gettext as _
from ninja import Router, Schema

from onetrip.core.errors import DomainError

from .selectors import MAX_DAYS, workday_add

router = Router(tags=["workdays"])


class WorkdayOut(Schema):
    date: datetime.date
    provisional: bool


@router.get("workdays/add", response=WorkdayOut, auth=None)
def add(request, start: str = "", days: str = ""):
    """The `days`-th working day after `start` (counting starts the next day, 受理次日起算).
    Public: it reveals nothing but the calendar. `provisional` is true when a year on the way
    has no published holiday arrangement yet (weekends alone were used)."""
    try:
        start_on = datetime.date.fromisoformat(start.strip())
    except ValueError:
        raise DomainError(
            "workdays.invalid_date",
            _("The start date must look like 2026-10-01."),
            detail={"start": start[:40]},
        ) from None
    try:
        count = int(days.strip())
    except ValueError:
        count = None
    if count is None or not 0 <= count <= MAX_DAYS:
        raise DomainError(
            "workdays.invalid_days",
            _("The number of working days must be a whole number from 0 to %(max)s.")
            % {"max": MAX_DAYS},
            detail={"days": days[:40], "max": MAX_DAYS},
        )
    try:
        result = workday_add(start_on, count)
    except OverflowError:
        raise DomainError(
            "workdays.out_of_range", _("The result would fall after the year 9999.")
        ) from None
    return {"date": result.date, "provisional": result.provisional}
