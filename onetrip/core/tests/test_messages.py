"""Flash messages (LazyMessageMiddleware): made only when used, and still carried across a
redirect and shown once."""

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.urls("onetrip.core.tests.message_urls")]


def test_a_message_left_before_a_redirect_is_shown_once_after_it(client):
    response = client.get("/leave/")
    assert response.status_code == 302
    assert client.get("/show/").content.decode() == "已保存"
    assert client.get("/show/").content.decode() == ""


def test_a_request_that_uses_no_message_leaves_a_pending_one_alone(client):
    client.get("/leave/")
    quiet = client.get("/quiet/")
    assert "messages" not in quiet.cookies
    assert client.get("/show/").content.decode() == "已保存"
