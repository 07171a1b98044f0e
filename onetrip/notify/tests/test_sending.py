"""SMS go out through the process's sender thread, batched, and survive a gateway hiccup."""

import time

import pytest
from celery import signals
from django.conf import settings

from onetrip.notify import sending
from onetrip.notify.backends import LocmemSmsBackend


def _wait_for(outbox, count: int, seconds: float = 10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(outbox) < count:
        time.sleep(0.02)
    return list(outbox)


@pytest.fixture
def behind(settings):
    settings.ONETRIP_WRITE_BEHIND_SECONDS = 0.05
    yield
    sending.send_pending()


def test_queued_messages_reach_the_gateway_in_order(behind, sms_outbox):
    for n in range(5):
        sending.queue(phone=f"1390000000{n}", text=f"第{n}条")
    sent = _wait_for(sms_outbox, 5)
    assert [(m.phone, m.text) for m in sent] == [(f"1390000000{n}", f"第{n}条") for n in range(5)]
    assert sending.pending() == 0


def test_messages_queued_together_share_one_task(behind, sms_outbox):
    published = []

    def remember(sender=None, body=None, **kwargs):
        published.append(sender)

    signals.after_task_publish.connect(remember, weak=False)
    try:
        with sending._current().lock:  # hold the sender while three messages gather
            for n in range(3):
                sending._current().items.append((f"1380000000{n}", f"消息{n}"))
        assert sending.send_pending() == 3
    finally:
        signals.after_task_publish.disconnect(remember)
    assert sorted(m.phone for m in _wait_for(sms_outbox, 3, 30)) == [
        "13800000000",
        "13800000001",
        "13800000002",
    ]
    if settings.CELERY_TASK_ALWAYS_EAGER:
        assert published == []  # one-box mode: straight to the backend
    else:
        assert published == ["onetrip.notify.tasks.deliver_sms_batch"]


@pytest.mark.skipif(
    not settings.CELERY_TASK_ALWAYS_EAGER, reason="one-box mode: the sender talks to the gateway"
)
def test_a_message_the_gateway_refused_is_sent_again(behind, sms_outbox, monkeypatch):
    real_send = LocmemSmsBackend.send
    refusals = []

    def flaky(self, message):
        if message.phone == "13700000001" and not refusals:
            refusals.append(message)
            raise ConnectionError("gateway busy")
        real_send(self, message)

    monkeypatch.setattr(LocmemSmsBackend, "send", flaky)
    sending.queue(phone="13700000000", text="甲")
    sending.queue(phone="13700000001", text="乙")
    sent = _wait_for(sms_outbox, 2, 15)
    assert sorted((m.phone, m.text) for m in sent) == [("13700000000", "甲"), ("13700000001", "乙")]
    assert len(refusals) == 1  # refused once, sent on the retry, and the other not twice


def test_without_write_behind_a_message_goes_at_once(settings, sms_outbox):
    settings.ONETRIP_WRITE_BEHIND_SECONDS = 0
    sending.queue(phone="13600000000", text="立即")
    assert [(m.phone, m.text) for m in _wait_for(sms_outbox, 1)] == [("13600000000", "立即")]
