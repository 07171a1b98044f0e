"""Notifications to people. Sending is background work (Celery; in-process in one-box mode)."""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


@cache
def sms_backend_class(path: str):
    return import_string(path)


def sms_backend():
    return sms_backend_class(settings.ONETRIP_SMS_BACKEND)()


def sms_send(*, phone: str, text: str) -> None:
    from .tasks import deliver_sms

    deliver_sms.delay(phone, text)
