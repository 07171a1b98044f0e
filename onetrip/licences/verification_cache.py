"""The public verification answers, kept a few seconds per process.

A licence's signed bytes never change and its status changes only on revocation or at the end
of its validity, so the answer to "is this licence genuine and valid" can be reused for
`ONETRIP_LICENCE_VERIFY_CACHE_SECONDS` (default 5; 0 turns the cache off). A revocation drops
the entry in its own process at once; other processes answer "valid" for at most that long
(docs/decisions/0012-write-behind.md). Every verification is still audited.
"""

from cachetools import TTLCache
from django.conf import settings

_MAX_CACHED = 20_000
_cache: TTLCache | None = None


def _current() -> TTLCache | None:
    global _cache
    ttl = float(getattr(settings, "ONETRIP_LICENCE_VERIFY_CACHE_SECONDS", 0) or 0)
    if ttl <= 0:
        return None
    if _cache is None or _cache.ttl != ttl:
        _cache = TTLCache(maxsize=_MAX_CACHED, ttl=ttl)
    return _cache


def get(number: str):
    cache = _current()
    return cache.get(number) if cache is not None else None


def put(number: str, answer) -> None:
    cache = _current()
    if cache is not None:
        cache[number] = answer


def forget(number: str) -> None:
    if _cache is not None:
        _cache.pop(number, None)
