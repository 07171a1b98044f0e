"""The audit log is append-only and tamper-evident: the application, the database and
`onetrip audit verify` each refuse or reveal a changed or removed entry."""

import itertools
import json
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onetrip.core import audit
from onetrip.core.models import AppendOnlyError, AuditEntry, AuditHead

PG_TRIGGER = "core_auditentry_append_only"


def _append(n: int, **extra) -> list[AuditEntry]:
    return [
        audit.record(
            actor=f"client-{i}",
            action="tests.thing.read",
            subject_type="person",
            subject_id=f"33042419900101{i:04d}",
            purpose="case review",
            detail={"i": i, "名字": "张三", **extra},
        )
        for i in range(n)
    ]


def _verify() -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def _as_dba(sql: str, params=()) -> None:
    """Change the table behind the application's back, as someone with database access could:
    on PostgreSQL they must switch the append-only trigger off first (and on again after)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE core_auditentry DISABLE TRIGGER {PG_TRIGGER}")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS core_auditentry_no_update")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE core_auditentry ENABLE TRIGGER {PG_TRIGGER}")


def test_an_intact_chain_verifies(db):
    entries = _append(5)
    code, out, err = _verify()
    assert code == 0, err
    assert "OK" in out and f"#{entries[-1].pk}" in out
    assert entries[0].prev_hash == audit.GENESIS_HASH
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash
    head = AuditHead.objects.get(pk=1)
    assert (head.last_id, head.last_hash) == (entries[-1].pk, entries[-1].hash)


def test_an_entry_says_who_when_where_what_whose_and_why(rf, db, person_factory):
    user = person_factory()
    request = rf.get("/", REMOTE_ADDR="10.1.2.3")
    entry = audit.record(
        actor=user,
        action="tests.person.read",
        subject_type="person",
        subject_id="330424199001010011",
        purpose="审批",
        request=request,
    )
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.actor_id == user.pk and stored.actor_label == user.username
    assert stored.ip == "10.1.2.3"
    assert stored.at is not None
    assert (stored.action, stored.subject_type, stored.subject_id, stored.purpose) == (
        "tests.person.read",
        "person",
        "330424199001010011",
        "审批",
    )
    assert audit.entry_hash(stored) == stored.hash


def test_a_changed_entry_is_named_by_verify(db):
    entries = _append(4)
    victim = entries[1]
    _as_dba("UPDATE core_auditentry SET purpose = %s WHERE id = %s", ["nothing to see", victim.pk])
    code, _out, err = _verify()
    assert code == 1
    assert f"#{victim.pk}" in err and "content was changed" in err


def test_a_rehashed_entry_is_caught_by_its_successor(db):
    entries = _append(4)
    victim = entries[1]
    _as_dba("UPDATE core_auditentry SET hash = %s WHERE id = %s", ["f" * 64, victim.pk])
    code, _out, err = _verify()
    assert code == 1
    # Its own hash no longer matches its content: the changed entry itself is named.
    assert f"#{victim.pk}" in err


def test_a_removed_middle_entry_breaks_the_link(db):
    entries = _append(5)
    _as_dba("DELETE FROM core_auditentry WHERE id = %s", [entries[2].pk])
    code, _out, err = _verify()
    assert code == 1
    assert f"#{entries[3].pk}" in err and f"#{entries[1].pk}" in err


def test_a_removed_first_entry_is_noticed(db):
    entries = _append(3)
    _as_dba("DELETE FROM core_auditentry WHERE id = %s", [entries[0].pk])
    code, _out, err = _verify()
    assert code == 1 and f"#{entries[1].pk}" in err


def test_a_removed_newest_entry_is_noticed_through_the_head(db):
    entries = _append(3)
    _as_dba("DELETE FROM core_auditentry WHERE id = %s", [entries[-1].pk])
    code, _out, err = _verify()
    assert code == 1
    assert f"#{entries[-1].pk}" in err and "newest" in err


def test_the_application_cannot_change_or_remove_entries(db):
    entry = _append(1)[0]
    entry.purpose = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(purpose="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).purpose == "case review"
    assert _verify()[0] == 0


def test_the_database_refuses_a_raw_update(db):
    entry = _append(1)[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_auditentry SET purpose = %s WHERE id = %s", ["x", entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).purpose == "case review"


def test_a_raw_delete_is_refused_on_postgresql_and_revealed_on_sqlite(db):
    entries = _append(2)
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entries[-1].pk])
        assert AuditEntry.objects.count() == 2
        assert _verify()[0] == 0
    else:
        # SQLite has no DELETE trigger (Django's test flush deletes rows): verify reveals it.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entries[-1].pk])
        assert _verify()[0] == 1


def test_an_entry_of_a_rolled_back_transaction_leaves_the_chain_intact(db):
    _append(2)
    with pytest.raises(RuntimeError), transaction.atomic():
        _append(1)
        raise RuntimeError("the action failed")
    _append(1)
    assert AuditEntry.objects.count() == 3
    assert _verify()[0] == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_form_one_valid_chain():
    threads_n, per_thread = 4, 10
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads_n)

    def work(k: int) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    audit.record(actor=f"worker-{k}", action="tests.concurrent", detail={"i": i})
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(k,)) for k in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    entries = list(AuditEntry.objects.order_by("id"))
    assert len(entries) == threads_n * per_thread
    assert len({entry.prev_hash for entry in entries}) == len(entries)  # no fork
    assert next(audit.verify(), None) is None
    assert _verify()[0] == 0


def test_export_prints_json_lines_since_a_date(db):
    entries = _append(3)
    out = StringIO()
    call_command("audit", "export", "--since", "2000-01-01", stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [row["id"] for row in rows] == [entry.pk for entry in entries]
    assert rows[0]["detail"]["名字"] == "张三" and rows[-1]["hash"] == entries[-1].hash
    out = StringIO()
    call_command("audit", "export", "--since", "2999-01-01", stdout=out)
    assert out.getvalue() == ""


def test_the_onetrip_command_exits_0_then_1_after_tampering(tmp_path):
    """End to end, as an operator runs it: a fresh one-box database, then a DBA's edit."""
    import os
    import sqlite3
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    database = tmp_path / "onetrip.sqlite3"
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
        "DJANGO_SETTINGS_MODULE": "onetrip.settings.base",
        "DATABASE_URL": f"sqlite:///{database}",
        "ONETRIP_VAR_DIR": str(tmp_path),
    }

    def onetrip(*args):
        return subprocess.run(
            [sys.executable, "-m", "onetrip.cli", *args],
            env=env,
            cwd=root,
            capture_output=True,
            text=True,
            timeout=300,
        )

    assert onetrip("migrate", "--no-input", "-v", "0").returncode == 0
    seed = onetrip(
        "shell",
        "-c",
        "from onetrip.core import audit\n"
        "for i in range(3): audit.record(actor='ops', action='tests.cli', detail={'i': i})",
    )
    assert seed.returncode == 0, seed.stderr
    ok = onetrip("audit", "verify")
    assert ok.returncode == 0 and "OK" in ok.stdout, ok.stderr
    with sqlite3.connect(database) as db:
        db.execute("DROP TRIGGER core_auditentry_no_update")
        ids = [row[0] for row in db.execute("SELECT id FROM core_auditentry ORDER BY id")]
        second = ids[1]
        db.execute("UPDATE core_auditentry SET actor_label = 'someone else' WHERE id = ?", [second])
    broken = onetrip("audit", "verify")
    assert broken.returncode == 1
    assert f"#{second}" in broken.stderr


_text = st.text(max_size=40)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    actor=st.one_of(st.none(), _text),
    purpose=_text,
    subject_id=_text,
    detail=st.dictionaries(_text, st.one_of(st.none(), st.integers(), _text), max_size=4),
    previous=st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
)
def test_a_prepared_entry_hashes_as_the_chain_checks_it(
    db, actor, purpose, subject_id, detail, previous
):
    """The hot path hashes the canonical JSON in two prepared halves around the predecessor's
    hash; `entry_hash` (what `verify` checks) must give the same for any content."""
    prepared = audit.prepare(
        actor=actor, action="tests.thing", purpose=purpose, subject_id=subject_id, detail=detail
    )
    entry = AuditEntry(**prepared.fields, prev_hash=previous)
    assert prepared.hash_after(previous) == audit.entry_hash(entry)


def test_a_prepared_entry_keeps_its_content_and_time(db):
    prepared = audit.prepare(actor="tests", action="tests.early", detail={"a": 1})
    with transaction.atomic():
        saved = audit.append(prepared)
    stored = AuditEntry.objects.get(pk=saved.pk)
    assert stored.at == prepared.fields["at"] and stored.detail == {"a": 1}
    assert stored.hash == saved.hash == audit.entry_hash(stored)
    assert list(audit.verify()) == []
