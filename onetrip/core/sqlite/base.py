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

Checkpoints run after the file lock is given back. SQLite copies the write-ahead log into the
database file (a checkpoint: many page writes and an fsync of the database file) inside the
COMMIT that takes the log past `wal_autocheckpoint` pages. SQLite has released its own write
lock by then, but the file lock was still held, so every other writer waited for the
checkpoint too. With the file lock, a connection turns SQLite's automatic checkpoints off and
runs the same PASSIVE checkpoint itself after a commit, once its transactions have changed
`CHECKPOINT_AFTER_ROWS` rows since its last one. A PASSIVE checkpoint never waits for and never
blocks writers; the last connection to close checkpoints what is left, as before.

The commit's fsync runs after the file lock is given back. With `synchronous=FULL` in WAL mode,
SQLite's COMMIT writes the transaction's pages to the log and then fsyncs the log, holding its
write lock (and so our file lock) through the disk's flush, while every other writer waits.
`synchronous=NORMAL` is the same minus that one fsync (https://sqlite.org/pragma.html#pragma_synchronous).
So a connection configured FULL runs as NORMAL and fsyncs the log itself, once the locks are
free and before `commit()` returns, and after any write made outside a transaction: a caller
is answered only once its write is on disk, as with FULL, but the next writer starts while the
disk flushes, and writers waiting at once share flushes. `OPTIONS["sync_outside_lock"] = False`
leaves FULL to SQLite.
"""

import fcntl
import os

from django.db.backends.sqlite3 import base

# Rows, not pages, because sqlite3 tells rows cheaply (total_changes): a submission changes
# about five rows and writes 15–30 pages, so this is near SQLite's default of 1,000 pages per
# checkpoint when one process writes, and more often when several do.
CHECKPOINT_AFTER_ROWS = 400
# Frames in the log (4 KiB pages) past which the log is started afresh (_restart_log).
RESTART_AFTER_FRAMES = 4000
SYNCHRONOUS_FULL = 2  # PRAGMA synchronous: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._write_lock_fd: int | None = None
        self._write_lock_pid = 0
        self._write_lock_held = False
        self._checkpointed_at_changes = 0
        self._sync_log_after_writes = False
        self._synced_at_changes = 0

    def get_connection_params(self):
        params = super().get_connection_params()
        # Ours, not sqlite3.connect()'s.
        self._write_lock_wanted = params.pop("write_lock", True)
        self._sync_outside_lock_wanted = params.pop("sync_outside_lock", True)
        return params

    def get_new_connection(self, conn_params):
        conn = super().get_new_connection(conn_params)
        self._checkpointed_at_changes = 0
        if self.write_lock_path() is not None:
            conn.execute("PRAGMA wal_autocheckpoint = 0")  # ours: _checkpoint_when_due
        self._sync_log_after_writes = self._takes_over_commit_sync(conn)
        self._synced_at_changes = 0
        return conn

    def create_cursor(self, name=None):
        if not self._sync_log_after_writes:
            return super().create_cursor(name)
        cursor = self.connection.cursor(factory=_SyncingCursor)
        cursor.db = self
        return cursor

    def _takes_over_commit_sync(self, conn) -> bool:
        """Whether this connection's commits leave the log's fsync to us: a WAL database on disk,
        configured `synchronous=FULL`, which then runs as NORMAL."""
        if not getattr(self, "_sync_outside_lock_wanted", True) or self.is_in_memory_db():
            return False
        (mode,) = conn.execute("PRAGMA journal_mode").fetchone()
        (level,) = conn.execute("PRAGMA synchronous").fetchone()
        if mode.lower() != "wal" or level != SYNCHRONOUS_FULL:
            return False
        conn.execute("PRAGMA synchronous = NORMAL")
        return True

    def _sync_log(self) -> None:
        """fsync the write-ahead log if this connection changed rows since it last did. A log
        that is gone was checkpointed into the database file, which SQLite fsyncs then."""
        changes = self.connection.total_changes
        if changes == self._synced_at_changes:
            return
        try:
            fd = os.open(f"{self.settings_dict['NAME']}-wal", os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            pass
        else:
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        self._synced_at_changes = changes

    def _sync_log_if_committed(self) -> None:
        """Called after every statement and fetch: outside a transaction, a statement that
        changed rows has committed on its own, and is synced before the caller goes on."""
        if not self.connection.in_transaction:
            self._sync_log()

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
        wrote = self._write_lock_held
        try:
            super()._commit()
        finally:
            self._write_lock_release()
        if self._sync_log_after_writes:
            self._sync_log()
        if wrote:
            self._checkpoint_when_due()

    def _checkpoint_when_due(self) -> None:
        changes = self.connection.total_changes
        if changes - self._checkpointed_at_changes < CHECKPOINT_AFTER_ROWS:
            return
        with self.wrap_database_errors:
            _busy, frames, _copied = self.connection.execute(
                "PRAGMA wal_checkpoint(PASSIVE)"
            ).fetchone()
            if frames >= RESTART_AFTER_FRAMES and not self._restart_log():
                return  # readers were in the log: the next commit tries again
        self._checkpointed_at_changes = changes

    def _restart_log(self) -> bool:
        """Under constant reading a PASSIVE checkpoint never finishes (some reader always still
        uses the log), so the log is never started afresh and grows without end: 460 MB in 15 s
        of four processes submitting, every page look-up searching more of its index. A RESTART
        checkpoint makes the next writer start the log from the beginning, but only once no
        reader uses the log, and it keeps writers out while it waits; so it runs holding the
        file lock (where writers queue anyway) and does not wait at all (busy_timeout 0): if a
        reader is still in the log it gives up, and a later commit tries again."""
        self._write_lock_acquire()
        try:
            (timeout,) = self.connection.execute("PRAGMA busy_timeout").fetchone()
            self.connection.execute("PRAGMA busy_timeout = 0")
            try:
                busy, _frames, _copied = self.connection.execute(
                    "PRAGMA wal_checkpoint(RESTART)"
                ).fetchone()
                return not busy
            finally:
                self.connection.execute(f"PRAGMA busy_timeout = {int(timeout)}")
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


class _SyncingCursor(base.SQLiteCursorWrapper):
    """A cursor that has its connection sync a write made outside a transaction. Such a
    statement commits when it finishes: at `execute()`, or, for one that returns rows (an
    INSERT … RETURNING, as Django's `save()` sends), at the fetch that reads its last row."""

    db: DatabaseWrapper

    def execute(self, query, params=None):
        result = super().execute(query, params)
        self.db._sync_log_if_committed()
        return result

    def executemany(self, query, param_list):
        result = super().executemany(query, param_list)
        self.db._sync_log_if_committed()
        return result

    def fetchone(self):
        row = super().fetchone()
        self.db._sync_log_if_committed()
        return row

    def fetchmany(self, size=None):
        rows = super().fetchmany(self.arraysize if size is None else size)
        self.db._sync_log_if_committed()
        return rows

    def fetchall(self):
        rows = super().fetchall()
        self.db._sync_log_if_committed()
        return rows
