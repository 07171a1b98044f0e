"""Grants kept per process while a stamp in Redis says they are unchanged (decision 0012).

Every exchange call needs its client's grants on the dataset, and a revocation must refuse the
very next call in every process. With Redis (REDIS_URL) each (client, dataset) pair has a stamp:
a random token, deleted when a change to one of its grants commits. A call reads the stamp in
the round trip that counts it against the rate limit, and reads the grants from the database
again only when the stamp is not the one it saw before reading them last time. Without Redis
(one box, where the database is a local file) grants are read on every call.

Why this is safe: a process takes the stamp *before* it reads the grants, and the stamp goes
only *after* the change commits. So grants read before a change always sit under a stamp that
the change removes, and the next call reads them again. A stamp that vanishes otherwise (Redis
restarted or evicted the key) only causes a re-read. `ONETRIP_EXCHANGE_GRANT_CACHE_SECONDS`
bounds how long a process trusts its copy even if Redis never says anything."""

import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

from onetrip.core.processcache import ProcessCache

_kept = ProcessCache("ONETRIP_EXCHANGE_GRANT_CACHE_SECONDS")


@dataclass(frozen=True)
class Kept:
    stamp: bytes
    grants: tuple


def redis_client():
    """The Redis client behind the cache, or None when the cache is not Redis."""
    backend = getattr(cache, "_cache", None)
    if backend is None or not hasattr(backend, "get_client"):
        return None
    return backend.get_client(write=True)


def stamp_key(client_pk: int, dataset_pk: int) -> str:
    return cache.make_and_validate_key(f"exchange:grants:{client_pk}:{dataset_pk}")


def kept(client_pk: int, dataset_pk: int) -> Kept | None:
    return _kept.get((client_pk, dataset_pk))


def keep(client_pk: int, dataset_pk: int, stamp: bytes, grants) -> None:
    _kept.put((client_pk, dataset_pk), Kept(stamp, tuple(grants)))


def stamp_now(redis, key: str) -> bytes:
    """The pair's stamp, made now if it has none. Take it before reading the grants."""
    fresh = secrets.token_hex(8).encode()
    if redis.set(key, fresh, nx=True):
        return fresh
    return redis.get(key) or b""  # b"": deleted in between; never equal to a stamp


def forget_on_commit(client_pk: int, dataset_pk: int) -> None:
    """A grant of the pair changes in the current transaction: this process drops its copy
    now, and every process's copy is out of date once the change commits. (A rollback only
    costs a re-read.) Should Redis refuse then, the error is logged and copies live on for at
    most ONETRIP_EXCHANGE_GRANT_CACHE_SECONDS."""
    _kept.forget((client_pk, dataset_pk))
    if redis_client() is not None:
        transaction.on_commit(lambda: _forget(client_pk, dataset_pk), robust=True)


def _forget(client_pk: int, dataset_pk: int) -> None:
    redis = redis_client()
    if redis is not None:
        redis.delete(stamp_key(client_pk, dataset_pk))
    _kept.forget((client_pk, dataset_pk))
