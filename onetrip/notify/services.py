"""Notifications to people. Sending is background work (Celery; in-process in one-box mode)."""

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from onetrip.core.plain import PreparedInsert, prepare_insert


@cache
def sms_backend_class(path: str):
    return import_string(path)


def sms_backend():
    return sms_backend_class(settings.ONETRIP_SMS_BACKEND)()


# Set inside `sms_muted()`: in-app messages are written, no SMS is queued.
_sms_muted: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "onetrip_sms_muted", default=False
)


@contextmanager
def sms_muted():
    """Within this block notifications are in-app messages only: no SMS is queued. For bulk
    loaders that drive the services for invented people (the demo's sample applications):
    their phone numbers are made up and may belong to someone, and a loader texting hundreds
    of "your application was accepted" messages helps nobody."""
    token = _sms_muted.set(True)
    try:
        yield
    finally:
        _sms_muted.reset(token)


def sms_send(*, phone: str, text: str) -> None:
    """Queue an SMS; the process's sender thread hands it on (notify.sending)."""
    from . import sending

    sending.queue(phone=phone, text=text)


def notification_send(*, user, title: str, body: str = "", link: str = "", sms: bool = True):
    """Store an in-app message for `user` in the caller's transaction (a change that rolls back
    takes its message with it) and, when they have a phone, queue the same text as an SMS once
    that transaction commits (at once outside a transaction), so nobody hears of a change that
    rolled back."""
    from .models import Notification

    notification = Notification.objects.create(
        user=user, title=str(title)[:200], body=str(body), link=str(link)[:300]
    )
    phone = getattr(user, "phone", None)
    if sms and phone and not _sms_muted.get():
        text = f"{title} {body}".strip()
        transaction.on_commit(lambda: sms_send(phone=phone, text=text))
    return notification


@dataclass(frozen=True)
class PreparedNotification:
    """An in-app message worked out before the caller's transaction (`notification_prepare`)."""

    insert: PreparedInsert
    phone: str | None
    text: str
    sms: bool
    muted: bool

    def __call__(self) -> None:
        """Inside the transaction: write the row and queue the SMS for the commit."""
        self.insert()
        self.queue_sms()

    def queue_sms(self) -> None:
        """For a caller that wrote `insert` itself (core.plain.update_with_inserts)."""
        if self.sms and self.phone and not self.muted and not _sms_muted.get():
            phone, text = self.phone, self.text
            transaction.on_commit(lambda: sms_send(phone=phone, text=text))


def notification_prepare(
    *, user, title: str, body: str = "", link: str = "", sms: bool = True
) -> PreparedNotification:
    """`notification_send` for a hot path: the message (row values, SMS text) is worked out now,
    before the caller's transaction; calling the result inside it only writes the row (a plain
    INSERT, core.plain) and queues the SMS for the commit."""
    from .models import Notification

    return PreparedNotification(
        insert=prepare_insert(
            Notification(user=user, title=str(title)[:200], body=str(body), link=str(link)[:300])
        ),
        phone=getattr(user, "phone", None),
        text=f"{title} {body}".strip(),
        sms=sms,
        muted=_sms_muted.get(),
    )


def notifications_mark_read(*, user) -> int:
    from django.utils import timezone

    from .models import Notification

    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
