"""The per-minute rate counter of exchange grants, on Redis (production) and on the local
cache (one-box mode)."""

from django.core.cache.backends.locmem import LocMemCache

from onetrip.exchange import grantcache, services


def test_redis_counts_each_call_and_forgets_the_minute_after_two(redis_cache):
    assert [services._rate_hit("exchange:rate:7:1000") for _ in range(3)] == [1, 2, 3]
    assert services._rate_hit("exchange:rate:7:1001") == 1  # the next minute starts afresh
    client = redis_cache._cache.get_client(write=True)
    ttl = client.ttl(redis_cache.make_and_validate_key("exchange:rate:7:1000"))
    assert 0 < ttl <= 120


def test_the_replies_are_parsed_by_hiredis(redis_cache):
    client = redis_cache._cache.get_client(write=True)
    connection = client.connection_pool.get_connection()
    try:
        assert type(connection._parser).__name__.startswith("_Hiredis")
    finally:
        client.connection_pool.release(connection)


def test_local_cache_counts_too(monkeypatch):
    local = LocMemCache("rate-test", {})
    monkeypatch.setattr(services, "cache", local)
    monkeypatch.setattr(grantcache, "cache", local)
    assert [services._rate_hit("exchange:rate:8:1000") for _ in range(3)] == [1, 2, 3]
