"""The Redis cache backend (REDIS_URL): Django's, with one redis.Redis per connection pool."""

import pytest
import redis

from onetrip.core.cache import RedisCache

REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_cache():
    try:
        redis.Redis.from_url(REDIS).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    backend = RedisCache(REDIS, {"KEY_PREFIX": "onetrip-test-cache"})
    yield backend
    backend.clear()
    backend.close()


def test_calls_share_one_client_and_the_cache_still_works(redis_cache):
    client = redis_cache._cache.get_client(write=True)
    assert redis_cache._cache.get_client("any key", write=True) is client
    assert redis_cache._cache.get_client() is client  # one server: reads go there too
    assert redis_cache.get("count") is None
    assert redis_cache.add("count", 1, timeout=60) is True
    assert redis_cache.add("count", 5, timeout=60) is False
    assert redis_cache.incr("count") == 2
    redis_cache.set("dict", {"名称": "海盐"}, timeout=60)
    assert redis_cache.get("dict") == {"名称": "海盐"}


def test_the_settings_choose_it_with_redis_url(monkeypatch):
    import importlib

    import onetrip.settings.base as base

    monkeypatch.setenv("REDIS_URL", REDIS)
    try:
        reloaded = importlib.reload(base)
        assert reloaded.CACHES["default"]["BACKEND"] == "onetrip.core.cache.RedisCache"
    finally:
        monkeypatch.delenv("REDIS_URL")
        importlib.reload(base)
