"""PostgreSQL: an audited write frees the audit chain's head row at commit, without waiting for
the write-ahead log's flush, and waits for that flush after the commit, before it returns
(decision 0010's addendum)."""

import pytest
from django.db import connection, transaction
from django.test import override_settings

from onetrip.core import audit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's commit"),
]


def _value(sql: str):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


@pytest.fixture
def statements():
    """Every statement the default connection runs, in order."""
    seen: list[str] = []

    def remember(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(remember):
        yield seen


@pytest.fixture
def fresh_statements():
    """`audit`'s statements are made once per process; a test that changes the setting makes
    them again, and so does the next test."""
    audit._statements.cache_clear()
    yield
    audit._statements.cache_clear()


def _flushed_up_to(lsn: str) -> bool:
    return _value(f"SELECT pg_current_wal_flush_lsn() >= '{lsn}'::pg_lsn")


def test_the_head_is_freed_without_waiting_and_the_flush_awaited_before_returning(
    fresh_statements, statements
):
    flushed: list[bool] = []
    with transaction.atomic():
        # A hook registered before the audited write still runs after the flush.
        transaction.on_commit(lambda: flushed.append(_flushed_up_to(written)))
        audit.record(actor="cli:test", action="tests.flush.commit")
        assert _value("SELECT current_setting('synchronous_commit')") == "off"
        written = _value("SELECT pg_current_wal_insert_lsn()")  # the commit record follows
    assert statements[-2] == audit.AWAIT_LOG_FLUSH_SQL  # and then the early hook's query
    assert flushed == [True]
    # Only that transaction committed without waiting; the connection's setting is untouched.
    assert _value("SELECT current_setting('synchronous_commit')") == "on"


def test_the_flush_is_awaited_once_per_transaction(fresh_statements, statements):
    with transaction.atomic():
        audit.record(actor="cli:test", action="tests.flush.first")
        audit.record(actor="cli:test", action="tests.flush.second")
    assert statements.count(audit.AWAIT_LOG_FLUSH_SQL) == 1


def test_a_rolled_back_write_awaits_nothing(fresh_statements, statements):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(actor="cli:test", action="tests.flush.rollback")
        raise RuntimeError("the caller's change failed")
    assert audit.AWAIT_LOG_FLUSH_SQL not in statements
    # The next write on this connection still awaits its own flush.
    audit.record(actor="cli:test", action="tests.flush.after")
    assert statements[-1] == audit.AWAIT_LOG_FLUSH_SQL


@override_settings(ONETRIP_PG_FLUSH_OUTSIDE_LOCK=False)
def test_turned_off_the_commit_waits_for_the_flush_itself(fresh_statements, statements):
    with transaction.atomic():
        audit.record(actor="cli:test", action="tests.flush.off")
        assert _value("SELECT current_setting('synchronous_commit')") == "on"
    assert audit.AWAIT_LOG_FLUSH_SQL not in statements
