"""Background work of open-data requests."""

import datetime

from celery import shared_task
from django.conf import settings
from django.utils.translation import override

from . import services


@shared_task
def remind_due(today: str | None = None) -> int:
    """Each working morning (CELERY_BEAT_SCHEDULE): the data officers hear of the requests
    whose answer falls due by the next working day. Returns how many."""
    day = datetime.date.fromisoformat(today) if today else None
    with override(settings.LANGUAGE_CODE):
        return services.requests_remind_due(today=day)
