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
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:  # as Django's _get_connection_pool, for this index
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
