"""A worker trusts a token it has looked up for ONETRIP_TOKEN_CACHE_SECONDS, then asks again."""

import datetime

import pytest
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_application_model

from onetrip.identity import api_auth

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(person_factory):
    user = person_factory()
    application = get_application_model().objects.create(
        name="rp",
        client_type="confidential",
        authorization_grant_type="authorization-code",
        redirect_uris="https://rp.example/cb",
        user=None,
    )
    access = get_access_token_model().objects.create(
        user=user,
        application=application,
        token="cache-test-token-0123456789",
        expires=timezone.now() + datetime.timedelta(hours=1),
        scope="openid",
    )
    api_auth.token_cache_clear()
    yield access
    api_auth.token_cache_clear()


def me(client):
    return client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer cache-test-token-0123456789")


def test_a_revoked_token_is_refused_once_the_cache_time_has_passed(
    client, token, settings, monkeypatch
):
    settings.ONETRIP_TOKEN_CACHE_SECONDS = 5
    clock = [1000.0]
    monkeypatch.setattr(api_auth.time, "monotonic", lambda: clock[0])
    assert me(client).status_code == 200
    token.delete()
    clock[0] += 4
    assert me(client).status_code == 200  # trusted for the cache time, as documented
    clock[0] += 2
    assert me(client).status_code == 401


def test_without_the_cache_a_revoked_token_is_refused_at_once(client, token, settings):
    settings.ONETRIP_TOKEN_CACHE_SECONDS = 0
    assert me(client).status_code == 200
    token.delete()
    assert me(client).status_code == 401


def test_an_expired_token_is_refused_even_from_the_cache(client, token, settings):
    settings.ONETRIP_TOKEN_CACHE_SECONDS = 60
    assert me(client).status_code == 200
    type(token).objects.filter(pk=token.pk).update(expires=timezone.now())
    cached = api_auth._validated[next(iter(api_auth._validated))][1]
    cached.expires = timezone.now() - datetime.timedelta(seconds=1)
    assert me(client).status_code == 401
