"""The write-behind buffer: read audits and counters written in batches, in order, chained like
any other entry, kept on failure, written by the background thread and at a normal exit."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from onetrip.core import audit, writebehind
from onetrip.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def buffered(settings):
    """Write-behind on, with an interval long enough that only the test flushes."""
    settings.ONETRIP_WRITE_BEHIND_SECONDS = 3600
    writebehind.flush()
    yield
    writebehind.flush()


def _read(i: int) -> None:
    audit.record_read(
        actor="exchange-client:abc",
        action="tests.record.read",
        subject_type="person",
        subject_id=f"33042419900101{i:04d}",
        detail={"i": i},
    )


def test_reads_wait_in_the_buffer_then_join_the_chain_in_order(buffered):
    before = AuditEntry.objects.count()
    asked_at = []
    for i in range(3):
        _read(i)
        asked_at.append(time.time())
    audit.record(actor="cli:test", action="tests.thing.write")  # a write goes straight in
    assert AuditEntry.objects.count() == before + 1
    assert writebehind.pending() == 3

    assert writebehind.flush() == 3
    assert writebehind.pending() == 0
    entries = list(AuditEntry.objects.order_by("id"))[before:]
    assert [e.action for e in entries] == ["tests.thing.write"] + ["tests.record.read"] * 3
    assert [e.detail["i"] for e in entries[1:]] == [0, 1, 2]
    # each entry keeps the time of the read, not of the flush
    for entry, asked in zip(entries[1:], asked_at, strict=True):
        assert entry.at.timestamp() <= asked
    assert list(audit.verify()) == []


def test_a_failed_flush_loses_nothing(buffered):
    calls = []

    def flaky(items):
        calls.append(list(items))
        if len(calls) == 1:
            raise RuntimeError("database away")

    writebehind.register("tests.flaky", flaky)
    writebehind.add("tests.flaky", "a")
    _read(1)
    writebehind.add("tests.flaky", "b")
    with pytest.raises(RuntimeError):
        writebehind.flush()
    assert writebehind.pending() == 3
    before = AuditEntry.objects.count()
    assert writebehind.flush() == 3
    assert calls == [["a", "b"], ["a", "b"]]  # one batch per kind, in order, tried again
    assert AuditEntry.objects.count() == before + 1


def test_unknown_kinds_are_refused():
    with pytest.raises(KeyError):
        writebehind.add("tests.nobody", 1)


def test_without_write_behind_a_read_is_written_at_once(settings):
    settings.ONETRIP_WRITE_BEHIND_SECONDS = 0
    before = AuditEntry.objects.count()
    _read(7)
    assert AuditEntry.objects.count() == before + 1


@pytest.mark.django_db(transaction=True)
def test_the_background_thread_writes_within_the_interval(settings):
    settings.ONETRIP_WRITE_BEHIND_SECONDS = 0.05
    for i in range(5):
        _read(i)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if AuditEntry.objects.filter(action="tests.record.read").count() == 5:
            break
        time.sleep(0.05)
    assert AuditEntry.objects.filter(action="tests.record.read").count() == 5
    assert writebehind.pending() == 0
    assert list(audit.verify()) == []


EXITING_PROCESS = """
import django, sys
django.setup()
from django.conf import settings
settings.ONETRIP_WRITE_BEHIND_SECONDS = 3600
from onetrip.core import audit, writebehind
for i in range(4):
    audit.record_read(actor="cli:exit", action="tests.exit.read", subject_id=str(i))
assert writebehind.pending() == 4
sys.exit(0)  # a normal exit, as a gunicorn worker's graceful stop ends
"""


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}{port}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_process_that_exits_normally_writes_what_it_buffered():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE,
        "DATABASE_URL": _database_url(),
    }
    if connection.vendor == "sqlite":
        # the test settings would point a fresh process at a per-process test file
        env["DJANGO_SETTINGS_MODULE"] = "onetrip.settings.base"
    subprocess.run(
        [sys.executable, "-c", EXITING_PROCESS],
        env=env,
        cwd=Path(settings.BASE_DIR),
        check=True,
        timeout=120,
    )
    assert AuditEntry.objects.filter(action="tests.exit.read").count() == 4
    assert list(audit.verify()) == []
