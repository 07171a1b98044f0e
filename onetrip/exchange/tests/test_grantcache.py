"""With Redis, a process keeps a client's grants on a dataset while their stamp is unchanged
(onetrip/exchange/grantcache.py): no grant query on a repeated call, and still no call served
under a grant that was revoked or has run out, whichever process changed it."""

import datetime
import secrets

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onetrip.core.errors import PermissionDenied
from onetrip.exchange import grantcache, services
from onetrip.exchange.models import ExchangeClient, Grant

from .conftest import cli, token_for
from .test_exchange import call


@pytest.fixture
def granted(client, his, pop_base):
    client_id, secret = his
    cli("exchange", "grant", "--client", client_id, "--dataset", "POP-BASE", "--fields", "name")
    exchange_client = ExchangeClient.objects.get(application__client_id=client_id)
    return exchange_client, token_for(client, client_id, secret)


def grant_queries(run) -> int:
    with CaptureQueriesContext(connection) as queries:
        run()
    return sum('"exchange_grant"' in query["sql"] for query in queries.captured_queries)


def test_a_repeated_call_reads_no_grant(redis_cache, client, granted):
    _exchange_client, token = granted
    assert grant_queries(lambda: call(client, token)) == 1
    assert grant_queries(lambda: call(client, token)) == 0
    assert call(client, token).json()["record"] == {"name": "张**"}


def test_a_revocation_in_another_process_refuses_the_next_call(
    redis_cache, client, granted, django_capture_on_commit_callbacks
):
    exchange_client, token = granted
    assert call(client, token).status_code == 200
    pair = (exchange_client.pk, Grant.objects.get().dataset_id)
    other_process_copy = grantcache.kept(*pair)
    assert other_process_copy is not None
    with django_capture_on_commit_callbacks(execute=True):
        cli("exchange", "revoke", "--client", exchange_client.client_id, "--dataset", "POP-BASE")
    assert grantcache.kept(*pair) is None  # this process dropped its copy at once
    # Another process still holds the copy it read before the revocation.
    grantcache.keep(*pair, other_process_copy.stamp, other_process_copy.grants)
    response = call(client, token)
    assert response.status_code == 403 and response.json()["code"] == "exchange.grant_revoked"


def test_a_kept_grant_runs_out_on_time(redis_cache, client, granted, monkeypatch):
    exchange_client, token = granted
    assert call(client, token).status_code == 200
    grant = Grant.objects.get()
    later = grant.valid_until + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    with CaptureQueriesContext(connection) as queries, pytest.raises(PermissionDenied) as refused:
        services._grant_for_call(exchange_client, grant.dataset)
    assert refused.value.code == "exchange.grant_expired"
    assert not any('"exchange_grant"' in query["sql"] for query in queries.captured_queries)


def test_a_lost_stamp_makes_the_grants_read_again(redis_cache, client, granted):
    _exchange_client, token = granted
    assert call(client, token).status_code == 200
    redis_cache._cache.get_client(write=True).flushdb()  # Redis restarted, keeping nothing
    assert grant_queries(lambda: call(client, token)) == 1
    assert grant_queries(lambda: call(client, token)) == 0


def test_the_rate_limit_counts_calls_answered_from_the_copy(
    redis_cache, client, granted, monkeypatch
):
    # One fixed minute, of this run only: a shared Redis keeps counts for 120 s, and grant ids
    # start again in the next run's fresh test database.
    minute = secrets.randbelow(10**12)
    monkeypatch.setattr(services, "_minute_window", lambda: minute)
    _exchange_client, token = granted
    grant = Grant.objects.get()
    grant.rate_per_minute = 2
    grant.save(update_fields=["rate_per_minute"])
    assert [call(client, token).status_code for _ in range(3)] == [200, 200, 429]
