"""SQLite with write transactions queued on an OS file lock (decision 0013).

Every write transaction on SQLite takes the database's single write lock at `BEGIN IMMEDIATE`.
A connection that finds it taken waits in SQLite's busy handler, which sleeps in growing steps
(1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 ms) and looks again; with several gunicorn workers
writing short transactions, the lock is free most of the time someone is asleep waiting for it.

This backend takes an exclusive `flock` on a file beside the database (`<name>-writer.lock`)
just before `BEGIN IMMEDIATE` and gives it back after `COMMIT` or `ROLLBACK`. A waiting process
blocks in the kernel and is woken the moment the holder lets go, so write transactions follow
each other without gaps. SQLite's own lock still guards the data: the file lock only orders the
waiters (writes outside a transaction, or by other programs, do not take it and simply meet
SQLite's lock as before).

Only transactions that start as write transactions (`transaction_mode` IMMEDIATE or EXCLUSIVE)
take it, and an in-memory database never does. `OPTIONS["write_lock"] = False` turns it off.
"""

import fcntl
import os

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._write_lock_fd: int | None = None
        self._write_lock_pid = 0
        self._write_lock_held = False

    def get_connection_params(self):
        params = super().get_connection_params()
        # Ours, not sqlite3.connect()'s.
        self._write_lock_wanted = params.pop("write_lock", True)
        return params

    def write_lock_path(self) -> str | None:
        """The lock file, or None when transactions take no file lock."""
        if not getattr(self, "_write_lock_wanted", True) or self.is_in_memory_db():
            return None
        if self.transaction_mode not in ("IMMEDIATE", "EXCLUSIVE"):
            return None
        return f"{self.settings_dict['NAME']}-writer.lock"

    def _write_lock_acquire(self) -> None:
        path = self.write_lock_path()
        if path is None:
            return
        if self._write_lock_fd is not None and self._write_lock_pid != os.getpid():
            # Inherited through fork: the descriptor shares its lock with the parent's.
            self._write_lock_fd, self._write_lock_held = None, False
        if self._write_lock_fd is None:
            self._write_lock_fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._write_lock_pid = os.getpid()
        fcntl.flock(self._write_lock_fd, fcntl.LOCK_EX)
        self._write_lock_held = True

    def _write_lock_release(self) -> None:
        if self._write_lock_held:
            self._write_lock_held = False
            fcntl.flock(self._write_lock_fd, fcntl.LOCK_UN)

    def _start_transaction_under_autocommit(self):
        self._write_lock_acquire()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._write_lock_release()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._write_lock_release()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._write_lock_release()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._write_lock_release()
            if self._write_lock_fd is not None and self._write_lock_pid == os.getpid():
                os.close(self._write_lock_fd)
            self._write_lock_fd = None
