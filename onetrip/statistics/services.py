"""Writes of the statistics app: only the derived working-day calendar (no personal data, no
business state, so no audit entry: it is a cache of onetrip.workdays' answers)."""

import datetime

from django.db import IntegrityError, transaction

from onetrip.workdays.selectors import _Calendar  # one query per year; see docs/statistics.md

from .models import WorkdayOrdinal

ONE_DAY = datetime.timedelta(days=1)


def _ordinals(start: datetime.date, end: datetime.date) -> dict[datetime.date, int]:
    calendar, ordinals, counted, day = _Calendar(), {}, 0, start
    while day <= end:
        counted += calendar.day(day).is_workday
        ordinals[day] = counted
        day += ONE_DAY
    return ordinals


def calendar_ensure(*, start: datetime.date, end: datetime.date) -> None:
    """Make WorkdayOrdinal cover [start, end] and agree with the working-day rules of today
    (an administrator may have entered a year's holidays since the rows were written). The
    span only grows; on any difference the whole span is rewritten."""
    stored = dict(WorkdayOrdinal.objects.values_list("day", "ordinal"))
    if stored:
        start, end = min(start, min(stored)), max(end, max(stored))
    wanted = _ordinals(start, end)
    if wanted == stored:
        return
    try:
        with transaction.atomic():
            WorkdayOrdinal.objects.all().delete()
            WorkdayOrdinal.objects.bulk_create(
                [WorkdayOrdinal(day=day, ordinal=n) for day, n in wanted.items()], batch_size=1000
            )
    except IntegrityError:  # another request rewrote it at the same moment: theirs stands
        pass
