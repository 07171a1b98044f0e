"""A process-local cache of package_search results, keyed by the catalogue version.

A result (UTF-8 JSON, addresses still relative: packages.expand) depends only on the request's
parameters and on what the portal publishes, and `PortalState.stamp` changes, in the same
transaction, with everything the portal publishes. So a result cached under (stamp,
parameters) is exact for as long as the stamp is current, and the request reads the stamp
first: after any publication, change, closure or deletion the next request finds a new stamp
and no entry under it. Entries of old stamps are never read again and leave by age or by size.

Process-local (not the Django cache): a result is up to a few hundred kilobytes, which a hit
would otherwise fetch from Redis and unpickle; here a hit is a dictionary look-up. Each
gunicorn worker computes a query once per catalogue version.
ONETRIP_OPENDATA_SEARCH_CACHE_SECONDS (0: off) bounds an entry's age, SEARCH_CACHE_BYTES the
memory per process; results larger than ENTRY_BYTES are not kept.
"""

import threading
import time
from collections import OrderedDict

from django.conf import settings

SEARCH_CACHE_BYTES = 64 * 1024 * 1024
ENTRY_BYTES = 1024 * 1024  # ~250 packages


class AnswerCache:
    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()  # runserver and the live-server tests use threads

    def get(self, key: str) -> bytes | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            expires, data = found
            if expires < time.monotonic():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return data

    def put(self, key: str, data: bytes, seconds: float) -> None:
        if len(data) > ENTRY_BYTES:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = (time.monotonic() + seconds, data)
            self._bytes += len(data)
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def _drop(self, key: str) -> None:
        _expires, data = self._entries.pop(key)
        self._bytes -= len(data)


searches = AnswerCache(SEARCH_CACHE_BYTES)


def seconds() -> float:
    return float(getattr(settings, "ONETRIP_OPENDATA_SEARCH_CACHE_SECONDS", 600))
