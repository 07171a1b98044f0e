import pytest

from onetrip.conftest import wait_for_sms_text
from onetrip.notify.selectors import notification_list, notification_unread_count
from onetrip.notify.services import notification_send, notifications_mark_read

pytestmark = pytest.mark.django_db(transaction=True)


def test_notification_is_stored_and_sent_by_sms(person_factory, sms_outbox):
    user = person_factory(phone="13900002222")
    other = person_factory(phone="13900003333")
    notification_send(
        user=user,
        title="您的申请已受理",
        body="承诺于 2026-10-08 前办结。",
        link="/applications/x/",
    )
    assert [n.title for n in notification_list(user=user)] == ["您的申请已受理"]
    assert list(notification_list(user=other)) == []
    assert notification_unread_count(user=user) == 1
    notifications_mark_read(user=user)
    assert notification_unread_count(user=user) == 0
    assert (
        wait_for_sms_text(sms_outbox, "13900002222") == "您的申请已受理 承诺于 2026-10-08 前办结。"
    )


def test_the_message_joins_the_transaction_and_the_sms_waits_for_its_commit(
    person_factory, monkeypatch
):
    from django.db import transaction

    from onetrip.notify import services
    from onetrip.notify.models import Notification

    queued = []
    monkeypatch.setattr(services, "sms_send", lambda *, phone, text: queued.append((phone, text)))
    user = person_factory(phone="13900004444")

    with pytest.raises(RuntimeError), transaction.atomic():
        notification_send(user=user, title="撤回的变更")
        assert Notification.objects.filter(user=user).count() == 1
        raise RuntimeError("rolled back")
    assert not Notification.objects.filter(user=user).exists()
    assert queued == []  # nobody hears of a change that rolled back

    with transaction.atomic():
        notification_send(user=user, title="已提交", body="请等待受理。")
        assert queued == []
    assert queued == [("13900004444", "已提交 请等待受理。")]
    assert [n.title for n in notification_list(user=user)] == ["已提交"]


def test_a_prepared_notification_is_written_only_when_called(person_factory, monkeypatch):
    from django.db import transaction

    from onetrip.notify import services
    from onetrip.notify.models import Notification
    from onetrip.notify.services import notification_prepare

    queued = []
    monkeypatch.setattr(services, "sms_send", lambda *, phone, text: queued.append((phone, text)))
    user = person_factory(phone="13900005555")
    write = notification_prepare(user=user, title="已提交", body="请等待受理。", link="/x/")
    assert not Notification.objects.filter(user=user).exists()
    with transaction.atomic():
        write()
        assert queued == []
    note = Notification.objects.get(user=user)
    assert (note.title, note.body, note.link, note.read_at) == (
        "已提交",
        "请等待受理。",
        "/x/",
        None,
    )
    assert note.created_at is not None
    assert queued == [("13900005555", "已提交 请等待受理。")]
