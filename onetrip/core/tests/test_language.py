"""Chinese first: an English browser still gets Chinese until the visitor switches."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_english_browser_gets_chinese_by_default(client):
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-Hans"' in page
    assert "登录" in page


def test_the_language_switch_is_remembered(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert 'lang="en"' in page
    assert "Sign in" in page
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/login/"})
    assert 'lang="zh-Hans"' in client.get("/login/").content.decode()
