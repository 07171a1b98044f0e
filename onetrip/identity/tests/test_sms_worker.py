"""Codes to a phone are background work: in production mode a real Celery worker sends them."""

import pytest
from celery import signals
from celery.result import AsyncResult
from django.conf import settings

from onetrip.celery import app

from .helpers import sms_code, wait_for_sms

pytestmark = pytest.mark.django_db


def test_login_code_goes_through_the_background_worker(
    client, person_factory, sms_outbox, django_capture_on_commit_callbacks
):
    user = person_factory()
    published = []

    def remember(sender=None, headers=None, **kwargs):
        if sender == "onetrip.notify.tasks.deliver_sms_batch":
            published.append(headers["id"])

    signals.after_task_publish.connect(remember, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/login/sms/", {"phone": user.phone, "action": "send"})
    finally:
        signals.after_task_publish.disconnect(remember)

    assert len(sms_code(wait_for_sms(sms_outbox, user.phone))) == 6
    if settings.CELERY_TASK_ALWAYS_EAGER:
        assert published == []  # one-box mode: sent in-process, nothing went to a broker
    else:
        assert len(published) == 1
        result = AsyncResult(published[0], app=app)
        result.get(timeout=30)
        assert result.successful()
