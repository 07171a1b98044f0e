"""Writes of the workdays app: entering a year's holidays and adjusted workdays."""

import datetime
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onetrip.core import audit
from onetrip.core.errors import DomainError, PermissionDenied

from .models import HolidayDay, HolidayYear

PERMISSION = "workdays.change_holidayyear"
TRUE_WORDS = {"1", "true", "yes", "y", "work", "workday", "on"}
FALSE_WORDS = {"0", "false", "no", "n", "off", "holiday", ""}


def _require(actor) -> None:
    """An administrator (Django permission) or the operator's command line (a str label)."""
    if isinstance(actor, str) and actor:
        return
    if getattr(actor, "is_authenticated", False) and actor.has_perm(PERMISSION):
        return
    raise PermissionDenied(
        "workdays.permission_denied", _("You do not have permission to do this.")
    )


def _as_bool(value, index: int) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise DomainError(
        "workdays.invalid_day",
        _("Day %(index)s: is_workday must be true or false.") % {"index": index},
        detail={"index": index, "is_workday": str(value)},
    )


def _as_date(value, index: int) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise DomainError(
            "workdays.invalid_day",
            _("Day %(index)s: the date must look like 2027-01-01.") % {"index": index},
            detail={"index": index, "date": str(value)},
        ) from None


@transaction.atomic
def holiday_year_set(*, actor, year: int, days: Iterable[Mapping], notice: str = "") -> HolidayYear:
    """Enter (or replace) a year's holidays and adjusted workdays.

    `days` are mappings with `date`, `is_workday` and an optional `name`; every day not listed
    follows the weekend rule. The entered year then overrides the chinese-calendar package.
    """
    _require(actor)
    if not isinstance(year, int) or not 1900 <= year <= 9999:
        raise DomainError(
            "workdays.invalid_year", _("The year is not valid."), detail={"year": year}
        )
    parsed: dict[datetime.date, tuple[bool, str]] = {}
    for index, row in enumerate(days, start=1):
        if not isinstance(row, Mapping):
            raise DomainError(
                "workdays.invalid_day",
                _("Day %(index)s is not a record with a date.") % {"index": index},
                detail={"index": index},
            )
        day = _as_date(row.get("date"), index)
        if day.year != year:
            raise DomainError(
                "workdays.day_outside_year",
                _("Day %(index)s (%(date)s) is not in the year %(year)s.")
                % {"index": index, "date": day.isoformat(), "year": year},
                detail={"index": index, "date": day.isoformat(), "year": year},
            )
        if day in parsed:
            raise DomainError(
                "workdays.duplicate_day",
                _("The date %(date)s is listed twice.") % {"date": day.isoformat()},
                detail={"date": day.isoformat()},
            )
        name = str(row.get("name") or "").strip()[:50]
        parsed[day] = (_as_bool(row.get("is_workday", False), index), name)

    holiday_year, created = HolidayYear.objects.update_or_create(
        year=year, defaults={"notice": notice[:200], "updated_at": timezone.now()}
    )
    removed = holiday_year.days.count()
    holiday_year.days.all().delete()
    HolidayDay.objects.bulk_create(
        HolidayDay(year=holiday_year, date=day, is_workday=is_workday, name=name)
        for day, (is_workday, name) in sorted(parsed.items())
    )
    audit.record(
        actor=actor,
        action="workdays.holiday_year.set",
        target=holiday_year,
        detail={
            "year": year,
            "created": created,
            "replaced_days": removed,
            "days_off": sum(1 for w, _n in parsed.values() if not w),
            "adjusted_workdays": sum(1 for w, _n in parsed.values() if w),
        },
    )
    return holiday_year
