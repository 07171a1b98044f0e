"""Working-day arithmetic for promised time limits (承诺时限).

Counting starts the day after acceptance (受理次日起算): `workday_add(start, n)` is the n-th
working day after `start`; `start` itself never counts. Which days are working days comes from,
in order: a year an administrator entered (HolidayYear), the chinese-calendar package, or, for
a year neither knows, the weekend rule alone, and then the result is `provisional`.
"""

import datetime
from typing import NamedTuple

import chinese_calendar

from .models import HolidayDay, HolidayYear

MAX_DAYS = 3650


class WorkdayResult(NamedTuple):
    date: datetime.date
    provisional: bool  # a year on the way was known to neither the administrator nor the library


class DayInfo(NamedTuple):
    is_workday: bool
    provisional: bool
    name: str


class _Calendar:
    """Per-call cache of the sources, one query per year touched."""

    def __init__(self):
        self._entered: dict[int, dict[datetime.date, tuple[bool, str]] | None] = {}

    def _entered_year(self, year: int):
        if year not in self._entered:
            if HolidayYear.objects.filter(year=year).exists():
                self._entered[year] = {
                    day.date: (day.is_workday, day.name)
                    for day in HolidayDay.objects.filter(year__year=year)
                }
            else:
                self._entered[year] = None
        return self._entered[year]

    def day(self, day: datetime.date) -> DayInfo:
        entered = self._entered_year(day.year)
        if entered is not None:
            is_workday, name = entered.get(day, (day.weekday() < 5, ""))
            return DayInfo(is_workday, False, name)
        try:
            is_workday = chinese_calendar.is_workday(day)
            _on_holiday, name = chinese_calendar.get_holiday_detail(day)
            return DayInfo(is_workday, False, name or "")
        except NotImplementedError:  # the package has no data for this year
            return DayInfo(day.weekday() < 5, True, "")


def workday_check(day: datetime.date) -> DayInfo:
    """Is `day` a working day, and is that answer provisional?"""
    return _Calendar().day(day)


def workday_add(start: datetime.date, n: int) -> WorkdayResult:
    """The n-th working day after `start` (n >= 0; n = 0 gives `start` itself).

    Raises ValueError for a negative or too large n, OverflowError past year 9999.
    """
    if n < 0 or n > MAX_DAYS:
        raise ValueError(f"n must be between 0 and {MAX_DAYS}")
    calendar = _Calendar()
    day, provisional, counted = start, False, 0
    one = datetime.timedelta(days=1)
    while counted < n:
        day += one
        info = calendar.day(day)
        provisional = provisional or info.provisional
        counted += info.is_workday
    return WorkdayResult(day, provisional)


def working_days_between(start: datetime.date, end: datetime.date) -> tuple[int, bool]:
    """Working days d with start < d <= end (a clock stopped from `start` to `end` moves a
    deadline by this many), and whether any of them was provisional."""
    calendar = _Calendar()
    count, provisional, day = 0, False, start
    while day < end:
        day += datetime.timedelta(days=1)
        info = calendar.day(day)
        count += info.is_workday
        provisional = provisional or info.provisional
    return count, provisional


def holiday_library_year(year: int) -> list[dict]:
    """The package's holidays and adjusted workdays of a year, in the import file's shape
    (a template for an administrator); empty if the package does not know the year."""
    rows = []
    day = datetime.date(year, 1, 1)
    while day.year == year:
        try:
            is_workday = chinese_calendar.is_workday(day)
            _on_holiday, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            return []
        if is_workday != (day.weekday() < 5) or name:
            rows.append({"date": day.isoformat(), "is_workday": is_workday, "name": name or ""})
        day += datetime.timedelta(days=1)
    return rows


# --- e-supervision colours (cases, data objections) --------------------------------------------


def yellow_cutoff(today: datetime.date) -> datetime.date:
    """The last due date that is yellow today: the next working day after today. Work it out
    once per list: each call reads the entered holiday years."""
    return workday_add(today, 1).date


def colour_for(due_on, *, today: datetime.date, cutoff: datetime.date) -> str:
    """red (overdue), yellow (due by `cutoff`), green; "" without a due date."""
    if due_on is None:
        return ""
    if due_on < today:
        return "red"
    if due_on <= cutoff:
        return "yellow"
    return "green"
