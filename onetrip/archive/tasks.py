"""Background work of the e-archive (celery beat, or `onetrip periodic` without Redis)."""

import datetime

from celery import shared_task
from django.conf import settings
from django.utils.translation import override

from . import services


@shared_task
def archive_cases() -> int:
    """Each night: closed cases not archived yet, a batch at a time. Returns how many."""
    with override(settings.LANGUAGE_CODE):  # the package's titles are in the county's language
        return services.cases_archive_due()


@shared_task
def check_records(today: str | None = None) -> int:
    """Each night: the four-property check of records whose last check is old enough. Returns
    how many failed."""
    day = datetime.date.fromisoformat(today) if today else None
    with override(settings.LANGUAGE_CODE):
        return services.records_check_due(today=day)
