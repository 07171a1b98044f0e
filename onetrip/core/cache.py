"""Django's Redis cache, keeping its redis.Redis clients.

Django's RedisCacheClient makes a new `redis.Redis` for every cache call, and `redis.Redis()`
fills its table of command callbacks each time: about 200 µs, a seventh of an exchange call
(whose rate limit is one Redis round trip). One client per connection pool is enough: the
client is thread-safe, Django's cache backends are per thread anyway, and the pool reconnects
after a fork. Selected by `REDIS_URL` (settings)."""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)  # Django's: made once per server, then kept
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
