"""Write-behind: bookkeeping writes that high-volume reads cause (read audit entries, call
counters) collected per process and written together, in one transaction, every
`ONETRIP_WRITE_BEHIND_SECONDS` (default 0.2 s) by a background thread.

Why: a public licence verification or an exchange look-up is a read, but it must leave an audit
entry. Written one by one, each such entry takes the database's single write lock (SQLite) or the
audit chain's head row (PostgreSQL) and an fsync, so reads queue behind each other; written in
batches, a few hundred reads share one transaction. See docs/decisions/0012-write-behind.md.

What may go here: records of something that has already happened and that the request itself
never reads back. Never the write a request exists for (a submission and its audit entry stay in
one transaction). The loss bound: a process killed without warning (SIGKILL, power loss) loses
what it had not yet written, at most `ONETRIP_WRITE_BEHIND_SECONDS` of such records; a normal
shutdown (gunicorn's graceful stop, SIGTERM) writes them at exit.

With `ONETRIP_WRITE_BEHIND_SECONDS = 0` (the test settings) `add()` writes at once, in the
caller's transaction, exactly as a direct write would.
"""

import atexit
import logging
import os
import time
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections, transaction

from .pending import PendingList

logger = logging.getLogger(__name__)

Flusher = Callable[[list], None]
_flushers: dict[str, Flusher] = {}
_preparers: dict[str, Callable[[list], list]] = {}


def register(kind: str, flusher: Flusher, prepare: Callable[[list], list] | None = None) -> None:
    """`flusher(items)` writes a batch of one kind; it runs inside the batch's transaction.
    `prepare(items)`, if given, turns the batch into what the flusher takes before that
    transaction starts, so that the work is not done while the transaction holds its locks."""
    _flushers[kind] = flusher
    if prepare is not None:
        _preparers[kind] = prepare


def _prepared(kind: str, batch: list) -> list:
    prepare = _preparers.get(kind)
    return prepare(batch) if prepare else batch


def interval() -> float:
    return float(getattr(settings, "ONETRIP_WRITE_BEHIND_SECONDS", 0) or 0)


def _batch_size() -> int:
    return int(getattr(settings, "ONETRIP_WRITE_BEHIND_BATCH", 1000))


class _Buffer(PendingList):
    """The process's pending (kind, item) pairs, in order, and the thread that writes them."""

    thread_name = "onetrip-write-behind"

    def add(self, kind: str, item) -> None:
        if super().add((kind, item)) >= _batch_size():
            self.wake.set()

    def due(self) -> bool:
        with self.lock:
            if not self.items:
                return False
            full = len(self.items) >= _batch_size()
            return full or time.monotonic() - self.oldest >= interval()

    def run(self) -> None:
        # Wakes at least every second, so a changed interval takes effect soon.
        while True:
            self.wake.wait(min(interval() or 0.2, 1.0))
            self.wake.clear()
            if not self.due():
                continue
            try:
                flush()
            except Exception:  # keep the thread alive; the items were put back
                logger.exception("write-behind flush failed; will retry")
            finally:
                close_old_connections()


_buffer = _Buffer()


def _current() -> _Buffer:
    """The buffer of this process; after a fork the child starts empty (the parent writes what
    it had) with its own lock and thread."""
    global _buffer
    if _buffer.forked:
        _buffer = _Buffer()
    return _buffer


def add(kind: str, item) -> None:
    """Queue one item of a registered kind (or write it at once when write-behind is off)."""
    if kind not in _flushers:
        raise KeyError(f"no write-behind flusher registered for {kind!r}")
    if interval() <= 0:
        _flushers[kind](_prepared(kind, [item]))
        return
    _current().add(kind, item)


def pending() -> int:
    return len(_current().items)


def flush() -> int:
    """Write everything pending in one transaction, in order; returns how many items. On an
    error nothing is written and the items go back to the front of the queue."""
    buffer = _current()
    items = buffer.take()
    if not items:
        return 0
    try:
        batches = [(kind, _prepared(kind, batch)) for kind, batch in _by_kind(items)]
        with transaction.atomic():
            for kind, batch in batches:
                _flushers[kind](batch)
    except BaseException:
        buffer.put_back(items)
        raise
    return len(items)


def _by_kind(items: list[tuple[str, object]]) -> list[tuple[str, list]]:
    """The items of each kind, in their order, kinds in the order they were registered: every
    process locks the same rows in the same order (the audit head, then the counters), so two
    flushes never wait for each other in a circle."""
    batches: dict[str, list] = {kind: [] for kind in _flushers}
    for kind, item in items:
        batches[kind].append(item)
    return [(kind, batch) for kind, batch in batches.items() if batch]


@atexit.register
def _flush_at_exit() -> None:
    if _buffer.pid == os.getpid() and _buffer.items:
        try:
            flush()
        except Exception:  # nothing more can be done at exit; say so
            logger.exception("write-behind: %d items could not be written at exit", pending())
