"""A few seconds' memory, per process, of things that rarely change and are read on every call
(a licence's verification answer, an exchange client, a dataset's fields). The time to live is
a setting read on each use, 0 turning the cache off (the tests do); see decisions 0011, 0012.

cachetools' caches are not thread-safe, and gunicorn's gthread workers serve several requests
of one process at once, so every use holds the cache's lock (a few hundred nanoseconds)."""

import threading

from cachetools import TTLCache
from django.conf import settings


class ProcessCache:
    def __init__(self, setting: str, *, maxsize: int = 20_000):
        self.setting = setting
        self.maxsize = maxsize
        self._cache: TTLCache | None = None
        self._lock = threading.Lock()

    def _current(self) -> TTLCache | None:
        ttl = float(getattr(settings, self.setting, 0) or 0)
        if ttl <= 0:
            return None
        if self._cache is None or self._cache.ttl != ttl:
            self._cache = TTLCache(maxsize=self.maxsize, ttl=ttl)
        return self._cache

    def get(self, key):
        with self._lock:
            cache = self._current()
            return cache.get(key) if cache is not None else None

    def put(self, key, value) -> None:
        with self._lock:
            cache = self._current()
            if cache is not None:
                cache[key] = value

    def forget(self, key) -> None:
        with self._lock:
            if self._cache is not None:
                self._cache.pop(key, None)
