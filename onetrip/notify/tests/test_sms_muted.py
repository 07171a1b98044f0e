"""`sms_muted()`: in-app messages only, no SMS queued (bulk loaders of invented people)."""

import pytest
from django.db import transaction

from onetrip.notify import services
from onetrip.notify.models import Notification
from onetrip.notify.services import notification_prepare, notification_send, sms_muted

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queued(monkeypatch):
    sent = []
    monkeypatch.setattr(services, "sms_send", lambda *, phone, text: sent.append((phone, text)))
    return sent


def test_inside_the_block_messages_are_stored_but_not_texted(person_factory, queued):
    user = person_factory(phone="13900006666")
    with sms_muted(), transaction.atomic():
        notification_send(user=user, title="已受理")
        notification_prepare(user=user, title="已提交")()
    assert queued == []  # the commit ran inside the block: nothing was queued for it
    assert sorted(Notification.objects.filter(user=user).values_list("title", flat=True)) == [
        "已受理",
        "已提交",
    ]
    # Outside the block the SMS goes again, and a message prepared while muted stays muted.
    with sms_muted():
        write = notification_prepare(user=user, title="静默准备")
    with transaction.atomic():
        notification_send(user=user, title="已办结")
        write()
    assert queued == [("13900006666", "已办结")]
