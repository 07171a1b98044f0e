"""Background work of data objections."""

import datetime

from celery import shared_task
from django.conf import settings
from django.utils.translation import override

from . import services


@shared_task
def remind_due(today: str | None = None) -> int:
    """Each working morning (CELERY_BEAT_SCHEDULE): the owner's data officers hear of the
    objections whose answer falls due by the next working day. Returns how many."""
    day = datetime.date.fromisoformat(today) if today else None
    with override(settings.LANGUAGE_CODE):
        return services.objections_remind_due(today=day)
