"""The SQLite backend's file lock around write transactions (decision 0013): taken at BEGIN,
given back at COMMIT and ROLLBACK, and several processes writing at once all get through, one
after another, with the audit chain intact."""

import fcntl
import os
import subprocess
import sys

import pytest
from django.db import connection, transaction

from onetrip.core import audit
from onetrip.core.models import AuditEntry

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backend's own lock"),
]


def _taken(path: str) -> bool:
    """Whether someone holds the lock (tried from a descriptor of our own)."""
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def test_a_write_transaction_holds_the_lock_until_commit_or_rollback():
    path = connection.write_lock_path()
    assert path == f"{connection.settings_dict['NAME']}-writer.lock"
    with transaction.atomic():
        audit.record(actor="cli:test", action="tests.lock.commit")
        assert _taken(path)
        with transaction.atomic():  # a savepoint takes nothing more
            assert _taken(path)
        assert _taken(path)
    assert not _taken(path)

    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(actor="cli:test", action="tests.lock.rollback")
        assert _taken(path)
        raise RuntimeError("undo")
    assert not _taken(path)
    assert not AuditEntry.objects.filter(action="tests.lock.rollback").exists()

    AuditEntry.objects.filter(action="tests.lock.commit").count()  # a read takes nothing
    assert not _taken(path)


def test_the_lock_can_be_turned_off(monkeypatch, tmp_path):
    from onetrip.core.sqlite.base import DatabaseWrapper
    from onetrip.settings.base import SQLITE_ENGINE, database_from_env

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert database_from_env()["ENGINE"] == SQLITE_ENGINE
    assert database_from_env()["OPTIONS"]["write_lock"] is True
    monkeypatch.setenv("ONETRIP_SQLITE_WRITE_LOCK", "0")
    config = database_from_env()
    assert config["OPTIONS"]["write_lock"] is False

    lockless = DatabaseWrapper(
        {**connection.settings_dict, "OPTIONS": config["OPTIONS"]}, alias="lockless"
    )
    try:
        lockless.ensure_connection()
        assert lockless.write_lock_path() is None
        lockless._start_transaction_under_autocommit()
        assert not _taken(connection.write_lock_path())
        lockless._rollback()
    finally:
        lockless.close()


WRITER = """
import django, sys
django.setup()
from django.db import transaction
from onetrip.core import audit
name = sys.argv[1]
for i in range(int(sys.argv[2])):
    with transaction.atomic():
        audit.record(actor=f"cli:{name}", action="tests.lock.write", detail={"i": i})
"""


def test_processes_writing_at_once_all_succeed_in_one_chain():
    env = {
        **os.environ,
        # the test settings would point a fresh process at a per-process test file
        "DJANGO_SETTINGS_MODULE": "onetrip.settings.base",
        "DATABASE_URL": f"sqlite:///{connection.settings_dict['NAME']}",
    }
    env.pop("ONETRIP_SQLITE_WRITE_LOCK", None)
    writers, each = 4, 60
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, f"w{n}", str(each)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(writers)
    ]
    for process in processes:
        _out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    entries = AuditEntry.objects.filter(action="tests.lock.write")
    assert entries.count() == writers * each
    for n in range(writers):
        mine = entries.filter(actor_label=f"cli:w{n}").order_by("id")
        assert [e.detail["i"] for e in mine] == list(range(each))
    assert list(audit.verify()) == []


def _rows_in_database_file(action: str) -> int:
    """Entries that a checkpoint has copied into the database file: `immutable=1` reads the file
    alone, without the write-ahead log."""
    import sqlite3

    name = connection.settings_dict["NAME"]
    with sqlite3.connect(f"file:{name}?immutable=1", uri=True) as reader:
        sql = "SELECT count(*) FROM core_auditentry WHERE action = ?"
        return reader.execute(sql, [action]).fetchone()[0]


def test_the_log_is_checkpointed_after_the_commit_has_given_the_lock_back(monkeypatch):
    from onetrip.core.sqlite import base

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        assert cursor.fetchone()[0] == 0  # SQLite's own would run inside COMMIT, under the lock
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection._checkpointed_at_changes = connection.connection.total_changes

    held_during_checkpoint = []
    checkpoint = base.DatabaseWrapper._checkpoint_when_due

    def watched(self):
        held_during_checkpoint.append(_taken(self.write_lock_path()))
        checkpoint(self)

    monkeypatch.setattr(base.DatabaseWrapper, "_checkpoint_when_due", watched)
    # Each entry changes two rows (the entry and the chain's head); few pages in all, far below
    # the 1,000 pages at which SQLite itself would have checkpointed.
    per_transaction = base.CHECKPOINT_AFTER_ROWS // 2 - 10
    with transaction.atomic():
        for _ in range(per_transaction):
            audit.record(actor="cli:test", action="tests.lock.checkpoint")
    assert _rows_in_database_file("tests.lock.checkpoint") == 0  # still only in the log

    with transaction.atomic():
        for _ in range(per_transaction):
            audit.record(actor="cli:test", action="tests.lock.checkpoint")
    assert _rows_in_database_file("tests.lock.checkpoint") == 2 * per_transaction
    assert held_during_checkpoint == [False, False]


def _log_frames() -> int:
    """Frames in the write-ahead log now (asked through a connection of our own)."""
    import sqlite3

    with sqlite3.connect(connection.settings_dict["NAME"]) as other:
        return other.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1]


def test_a_log_that_readers_kept_from_its_checkpoints_is_restarted_once_they_let_go(monkeypatch):
    """A busy server always has some reader on an older snapshot, so PASSIVE checkpoints never
    finish and SQLite never starts the log afresh (460 MB in a 15 s benchmark). Past
    RESTART_AFTER_FRAMES every commit tries a RESTART checkpoint without waiting for readers;
    the first one after the readers let go restarts the log."""
    import sqlite3
    import time

    from onetrip.core.sqlite import base

    monkeypatch.setattr(base, "CHECKPOINT_AFTER_ROWS", 20)
    monkeypatch.setattr(base, "RESTART_AFTER_FRAMES", 30)
    restarted = []
    restart = base.DatabaseWrapper._restart_log

    def watched(self) -> bool:
        restarted.append(restart(self))
        return restarted[-1]

    monkeypatch.setattr(base.DatabaseWrapper, "_restart_log", watched)

    def entries(count: int) -> None:
        with transaction.atomic():
            for _ in range(count):
                audit.record(actor="cli:test", action="tests.lock.restart")

    reader = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM core_auditentry").fetchone()  # holds its snapshot
        started = time.monotonic()
        for _ in range(12):
            entries(10)
        assert time.monotonic() - started < 5  # no commit waited for the reader (20 s timeout)
        assert restarted and not any(restarted)  # tried, and gave up while the reader was in
        assert _log_frames() > 60  # so the log grew
    finally:
        reader.execute("COMMIT")
        reader.close()
    entries(10)
    assert restarted[-1] is True
    entries(1)
    assert _log_frames() < 30  # started afresh: only the last transaction's pages
    assert list(audit.verify()) == []


def _sqlite_rows(table: str, where: str, value) -> int:
    """Rows another connection sees: committed, whether or not on disk yet."""
    import sqlite3

    with sqlite3.connect(connection.settings_dict["NAME"]) as reader:
        sql = f"SELECT count(*) FROM {table} WHERE {where} = ?"  # noqa: S608 (our own names)
        return reader.execute(sql, [value]).fetchone()[0]


@pytest.fixture
def syncs(monkeypatch):
    """The backend's fsyncs, each with what was true when it ran: the file it synced, whether
    the file lock was held, and how many test rows another connection saw by then."""
    from onetrip.core.sqlite import base

    seen, real_fsync = [], os.fsync

    def fsync(fd):
        seen.append(
            {
                "file": os.readlink(f"/proc/self/fd/{fd}"),
                "locked": _taken(connection.write_lock_path()),
                "committed": _sqlite_rows("core_auditentry", "action", "tests.sync.commit"),
            }
        )
        real_fsync(fd)

    monkeypatch.setattr(base.os, "fsync", fsync)
    return seen


def test_a_commit_is_synced_once_the_locks_are_free_and_before_it_returns(syncs):
    connection.ensure_connection()
    (level,) = connection.connection.execute("PRAGMA synchronous").fetchone()
    assert level == 1  # NORMAL: the commit's fsync is ours
    with transaction.atomic():
        audit.record(actor="cli:test", action="tests.sync.commit")
        assert syncs == []
    assert syncs == [
        {"file": f"{connection.settings_dict['NAME']}-wal", "locked": False, "committed": 1}
    ]


def test_a_write_outside_a_transaction_is_synced_before_it_returns(syncs):
    from django.contrib.auth.models import Group

    Group.objects.create(name="tests.sync.autocommit")
    assert [s["file"] for s in syncs] == [f"{connection.settings_dict['NAME']}-wal"]
    assert _sqlite_rows("auth_group", "name", "tests.sync.autocommit") == 1
    Group.objects.filter(name="tests.sync.autocommit").update(name="tests.sync.renamed")
    assert len(syncs) == 2


def test_reads_and_undone_writes_sync_nothing(syncs):
    from django.contrib.auth.models import Group

    with transaction.atomic():
        AuditEntry.objects.count()
    Group.objects.filter(name="tests.sync.none").exists()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(actor="cli:test", action="tests.sync.rollback")
        raise RuntimeError("undo")
    assert syncs == []


def test_the_commit_sync_can_be_left_to_sqlite(monkeypatch, tmp_path, syncs):
    from onetrip.core.sqlite.base import DatabaseWrapper
    from onetrip.settings.base import database_from_env

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert database_from_env()["OPTIONS"]["sync_outside_lock"] is True
    monkeypatch.setenv("ONETRIP_SQLITE_SYNC_OUTSIDE_LOCK", "0")
    options = database_from_env()["OPTIONS"]
    assert options["sync_outside_lock"] is False

    left = DatabaseWrapper({**connection.settings_dict, "OPTIONS": options}, alias="left")
    try:
        left.ensure_connection()
        (level,) = left.connection.execute("PRAGMA synchronous").fetchone()
        assert level == 2  # FULL: SQLite fsyncs inside its COMMIT
        left._start_transaction_under_autocommit()
        left.connection.execute("INSERT INTO auth_group (name) VALUES ('tests.sync.left')")
        left._commit()
        assert _sqlite_rows("auth_group", "name", "tests.sync.left") == 1
        assert syncs == []
    finally:
        left.close()
