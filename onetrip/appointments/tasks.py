"""Background work of appointments (celery beat, or `onetrip periodic` without Redis)."""

import datetime

from celery import shared_task
from django.conf import settings
from django.utils.translation import override

from . import services


def _day(today: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(today) if today else None


@shared_task
def no_shows_mark(today: str | None = None) -> int:
    """Each night: past bookings nobody came to. Returns how many."""
    with override(settings.LANGUAGE_CODE):
        return services.no_shows_mark(today=_day(today))


@shared_task
def reminders_send(today: str | None = None) -> int:
    """Each afternoon: tomorrow's (the next working day's) bookings. Returns how many."""
    with override(settings.LANGUAGE_CODE):
        return services.reminders_send(today=_day(today))
