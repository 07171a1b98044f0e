"""Background work of public payment."""

import datetime

from celery import shared_task
from django.conf import settings
from django.utils.translation import override

from . import services


@shared_task
def reconcile_yesterday(today: str | None = None) -> int:
    """Each morning (CELERY_BEAT_SCHEDULE): yesterday's gateway statement against the orders
    paid through it. Returns the number of differences."""
    day = datetime.date.fromisoformat(today) if today else None
    with override(settings.LANGUAGE_CODE):
        run = services.reconcile_yesterday(today=day)
        return len(run.differences) if run is not None else 0


@shared_task
def remind_due(today: str | None = None) -> int:
    """Each morning (CELERY_BEAT_SCHEDULE): payers whose fee falls due in two days are reminded.
    Returns how many."""
    day = datetime.date.fromisoformat(today) if today else None
    with override(settings.LANGUAGE_CODE):
        return services.orders_remind_due(today=day)
