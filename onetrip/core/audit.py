"""The audit log: who did what, to whose data, from where and why; SM3 hash-chained.

`record()` is called by services (writes) and selectors (reads of personal data), inside their
transaction, so an action and its audit entry land together or not at all.
"""

import datetime
import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from . import writebehind
from .logging import request_id_var
from .models import AuditEntry, AuditHead
from .sm3 import sm3_hex

GENESIS_HASH = "0" * 64
HASHED_FIELDS = (
    "at",
    "actor_id",
    "actor_label",
    "ip",
    "request_id",
    "action",
    "target_type",
    "target_id",
    "subject_type",
    "subject_id",
    "purpose",
    "detail",
    "prev_hash",
)


def entry_hash(entry: AuditEntry) -> str:
    """SM3 over a canonical JSON of the entry's fields (its predecessor's hash included)."""
    values = {name: getattr(entry, name) for name in HASHED_FIELDS}
    values["at"] = _canonical_time(entry.at)
    return sm3_hex(_canonical(values).encode())


def _canonical_time(at: datetime.datetime) -> str:
    return at.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def _canonical(values: dict) -> str:
    return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _actor_fields(actor) -> tuple[int | None, str]:
    if actor is None:
        return None, ""
    if isinstance(actor, str):
        return None, actor[:150]
    if getattr(actor, "is_authenticated", False):
        return actor.pk, actor.get_username()[:150]
    return None, ""


_MAX_LENGTHS: dict[str, int] = {}


def _field_text(name: str, value) -> str:
    """Cut a value to its column's length, so a long value never fails the write (and the
    hash covers exactly what is stored)."""
    if name not in _MAX_LENGTHS:
        _MAX_LENGTHS[name] = AuditEntry._meta.get_field(name).max_length
    return str(value or "")[: _MAX_LENGTHS[name]]


def _entry_fields(
    *,
    actor,
    action: str,
    target=None,
    target_type: str = "",
    target_id: str = "",
    subject_type: str = "",
    subject_id: str = "",
    purpose: str = "",
    detail: dict | None = None,
    request=None,
    ip: str = "",
) -> dict:
    """An entry's content, taken now (time, request id, address), without its place in the chain."""
    from .middleware import client_ip  # local: middleware imports nothing from here

    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(getattr(target, "public_id", None) or target.pk)
    actor_id, actor_label = _actor_fields(actor)
    request_id = request_id_var.get()
    # What is hashed must be what the database gives back: round-trip the detail through JSON.
    if detail:
        detail = json.loads(json.dumps(detail, cls=DjangoJSONEncoder, ensure_ascii=False))
    return {
        "at": timezone.now(),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "ip": _field_text("ip", ip or (client_ip(request) if request is not None else "")),
        "request_id": _field_text("request_id", request_id if request_id != "-" else ""),
        "action": _field_text("action", action),
        "target_type": _field_text("target_type", target_type),
        "target_id": _field_text("target_id", target_id),
        "subject_type": _field_text("subject_type", subject_type),
        "subject_id": _field_text("subject_id", subject_id),
        "purpose": _field_text("purpose", purpose),
        "detail": detail or {},
    }


def record(**kwargs) -> AuditEntry:
    """Append one entry to the chain, in the caller's transaction. Arguments: `actor` (a user,
    a client label or None), `action`, and optionally `target` (or `target_type` and
    `target_id`), `subject_type`, `subject_id`, `purpose`, `detail`, `request` (or `ip`).

    Writers are serialised by the AuditHead row: on PostgreSQL it is locked FOR UPDATE until
    the caller's transaction ends; on SQLite every write transaction starts IMMEDIATE, which
    takes the database's single write lock first. Either way each entry's predecessor is the
    committed newest entry, so concurrent writers still form one chain.
    """
    chain_head = kwargs.pop("chain_head", None)
    return append(prepare(**kwargs), chain_head=chain_head)


def prepare(**kwargs) -> "PreparedEntry":
    """`record`'s first half, for a hot write: the entry's content (taken now) and everything
    derived from it — its canonical JSON and its column values — worked out before the caller's
    transaction. Inside it, `append` then only hashes it onto the chain and inserts it, so the
    chain's lock (SQLite's write lock, PostgreSQL's head row) is held for less time."""
    return PreparedEntry.of(_entry_fields(**kwargs))


def append(entry: "PreparedEntry", *, chain_head: str | None = None) -> AuditEntry:
    """`record`'s second half, in the caller's transaction. `chain_head`: the head's hash if the
    caller already locked the head in this transaction with nothing appended since."""
    ((pk, hash_, previous),) = _append([entry], previous=chain_head)
    saved = AuditEntry(**entry.fields, prev_hash=previous, hash=hash_)
    saved.pk = pk
    saved._state.adding, saved._state.db = False, connection.alias  # as if loaded
    return saved


def head_lock_sql(*, after: str = "") -> str:
    """The SELECT that locks the chain's head row and gives its hash. A hot write on PostgreSQL
    runs it inside one of its own statements (core.plain.update_with_inserts) and passes the
    hash to `append(chain_head=…)`, which then skips its own lock: one round trip less.

    `after`: a CTE of that statement (its write): the head is locked only if that write changed
    a row, and only after it, through a one-time filter. Every writer then takes its own rows
    before the head. A write that changed nothing (someone else's came first) takes no head
    lock here: it may go on to lock its row FOR UPDATE, and holding the head while waiting for
    that row would deadlock with the writer that holds the row and waits for the head (seen
    with four concurrent submissions of one draft: PostgreSQL keeps the row lock that a
    re-checked UPDATE took even when the row no longer matched)."""
    _flush_log_after_commit()
    sql = _statements().head_lock
    if not after:
        return sql
    where = " WHERE "
    head, tail = sql.split(where, 1)
    # `after` is the caller's constant CTE name
    return f"{head}{where}EXISTS (SELECT 1 FROM {after}) AND {tail}"  # noqa: S608


def record_read(**kwargs) -> None:
    """Audit a read that happens at high volume (public licence verification, exchange calls):
    same arguments as `record`, the content taken now, the entry written by the write-behind
    buffer within `ONETRIP_WRITE_BEHIND_SECONDS` together with others (at once when that is 0).
    Only for reads: the entry does not share the caller's transaction."""
    writebehind.add("audit", _entry_fields(**kwargs))


def _append(
    entries: list["PreparedEntry"], previous: str | None = None
) -> list[tuple[int, str, str]]:
    """Chain and insert prepared entries in order: one head lock (unless the caller locked the
    head in this transaction and gives its hash as `previous`, with nothing appended since), one
    INSERT, one head update (on PostgreSQL the INSERT and the update are one statement).
    Returns (id, hash, previous hash) per entry.

    Every audited write and every write-behind batch runs this while holding the write lock
    (SQLite) or the head row (PostgreSQL), so all it does there is hash and run plain statements
    made once (`_statements`); the entries' content was worked out before (`PreparedEntry`)."""
    sql = _statements()
    # No savepoint inside the caller's transaction: two more round trips while the chain's head
    # is locked, and an audit entry that fails must take the caller's change with it anyway.
    with transaction.atomic(savepoint=False):
        _flush_log_after_commit()
        if previous is None:
            previous = _locked_head_hash(sql)
        params, chained = [], []
        for entry in entries:
            hash_ = entry.hash_after(previous)
            params += entry.params_with(previous, hash_)
            chained.append((hash_, previous))
            previous = hash_
        rows = ", ".join([sql.row] * len(entries))
        insert = f"{sql.insert} {rows} {sql.returning}"
        with connection.cursor() as cursor:
            if sql.insert_with_head:
                cursor.execute(sql.insert_with_head % {"insert": insert}, [*params, previous])
            else:
                cursor.execute(insert, params)
            ids = sorted(found[0] for found in cursor.fetchall())  # ids grow in row order
            if not sql.insert_with_head:
                cursor.execute(sql.head_update, [ids[-1], previous])
    return [(pk, hash_, before) for pk, (hash_, before) in zip(ids, chained, strict=True)]


def _prepare_read_entries(items: list[dict]) -> list["PreparedEntry"]:
    """Entries whose content `record_read` took during the request, prepared by the write-behind
    buffer before its transaction."""
    return [PreparedEntry.of(fields) for fields in items]


@dataclass(frozen=True)
class PreparedEntry:
    """An entry's content and what derives from it, all but its place in the chain: the
    canonical JSON that `entry_hash` hashes, split around the predecessor's hash, and the
    INSERT's values with the two hashes left to fill in."""

    fields: dict
    canonical_before: str  # up to and including the opening quote of prev_hash's value
    canonical_after: str  # from its closing quote
    params: tuple

    @classmethod
    def of(cls, fields: dict) -> "PreparedEntry":
        values = {name: fields[name] for name in HASHED_FIELDS if name != "prev_hash"}
        values["at"] = _canonical_time(fields["at"])
        before = {k: v for k, v in values.items() if k < "prev_hash"}
        after = {k: v for k, v in values.items() if k > "prev_hash"}
        sql = _statements()
        params = tuple(
            None
            if field.attname in ("prev_hash", "hash")
            else field.get_db_prep_save(fields[field.attname], connection)
            for field in sql.fields
        )
        return cls(
            fields=fields,
            canonical_before=_canonical(before)[:-1] + ',"prev_hash":"',
            canonical_after='",' + _canonical(after)[1:],
            params=params,
        )

    def hash_after(self, previous: str) -> str:
        """`entry_hash` of this entry following `previous`, from the prepared halves (the
        previous hash is 64 hex digits, which JSON writes as they are)."""
        return sm3_hex((self.canonical_before + previous + self.canonical_after).encode())

    def params_with(self, previous: str, hash_: str) -> list:
        sql = _statements()
        params = list(self.params)
        params[sql.prev_hash_index], params[sql.hash_index] = previous, hash_
        return params


writebehind.register("audit", _append, prepare=_prepare_read_entries)


@dataclass(frozen=True)
class _Statements:
    fields: tuple
    insert: str
    row: str
    returning: str
    head_lock: str
    head_update: str
    insert_with_head: str  # PostgreSQL: INSERT and head update as one statement
    prev_hash_index: int
    hash_index: int
    commits_without_waiting: bool  # PostgreSQL: the head's lock turns synchronous_commit off


@functools.cache
def _statements() -> _Statements:
    quote = connection.ops.quote_name
    entry, head = AuditEntry._meta, AuditHead._meta
    fields = tuple(f for f in entry.concrete_fields if not f.primary_key)
    columns = ", ".join(quote(f.column) for f in fields)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    head_table, pk = quote(head.db_table), quote(head.pk.column)
    last_hash = quote("last_hash")
    commits_without_waiting = (
        connection.vendor == "postgresql" and settings.ONETRIP_PG_FLUSH_OUTSIDE_LOCK
    )
    if commits_without_waiting:
        # The transaction that locks the head commits without waiting for the log's flush; the
        # flush is awaited after the commit (`_flush_log_after_commit`). A CASE keeps one column.
        last_hash = (
            f"CASE WHEN set_config('synchronous_commit', 'off', true) = 'off' THEN {last_hash} END"
        )
    id_column = quote(entry.pk.column)
    insert_with_head = ""
    if connection.vendor == "postgresql":
        # The head takes the newest id of this INSERT and the last entry's hash (a parameter).
        insert_with_head = (
            "WITH entries AS (%(insert)s), head AS ("  # noqa: S608 — our tables, values are parameters
            f"UPDATE {head_table} SET {quote('last_id')} = (SELECT max({id_column}) FROM entries), "
            f"{quote('last_hash')} = %%s WHERE {pk} = 1) "
            f"SELECT {id_column} FROM entries"
        )
    # our own tables and columns, quoted; values are always parameters
    return _Statements(
        fields=fields,
        insert=f"INSERT INTO {quote(entry.db_table)} ({columns}) VALUES",
        row="(" + ", ".join(["%s"] * len(fields)) + ")",
        returning=f"RETURNING {id_column}",
        head_lock=f"SELECT {last_hash} FROM {head_table} WHERE {pk} = 1{lock}",  # noqa: S608
        head_update=(
            f"UPDATE {head_table} SET {quote('last_id')} = %s, {quote('last_hash')} = %s "  # noqa: S608
            f"WHERE {pk} = 1"
        ),
        insert_with_head=insert_with_head,
        prev_hash_index=[f.attname for f in fields].index("prev_hash"),
        hash_index=[f.attname for f in fields].index("hash"),
        commits_without_waiting=commits_without_waiting,
    )


AWAIT_LOG_FLUSH_SQL = "SELECT pg_logical_emit_message(true, 'onetrip.flush', '')"


def _flush_log_after_commit() -> None:
    """PostgreSQL: every audited write locks the chain's head row, and holds it until its
    COMMIT has returned, which includes flushing the write-ahead log to disk; so the flushes of
    all writers ran one after another, each holding the lock. A transaction that locks the head
    therefore commits with `synchronous_commit = off` (set by the lock's own SELECT), which
    frees the row as soon as the commit is in the log's buffers, and then, after the commit and
    before anything is answered, waits for the log to be on disk (decision 0010's addendum).
    Called in the transaction; registers the wait once, as its first on_commit hook."""
    if not _statements().commits_without_waiting or not connection.in_atomic_block:
        return
    hooks = connection.run_on_commit
    if any(hook is _await_log_flush for _, hook, _ in hooks):
        return
    transaction.on_commit(_await_log_flush)
    # First of the transaction's hooks, even of those registered before it: they act on the
    # write (an SMS, a Celery task), which must be on disk before anyone hears of it.
    hooks.insert(0, hooks.pop())


def _await_log_flush() -> None:
    """Wait until the log is on disk up to the commit just made. A transaction that wrote to
    the log commits synchronously (the connection's own setting), which flushes the log up to
    its commit record, and the log is written in order, so that flush covers the earlier
    commit. The smallest such write is a transactional message in the log, which nothing
    reads (`pg_current_xact_id()` alone would not do: a transaction that wrote nothing else
    commits without waiting). One round trip, in autocommit: on_commit hooks run once
    autocommit is back on."""
    with connection.cursor() as cursor:
        cursor.execute(AWAIT_LOG_FLUSH_SQL)


def _locked_head_hash(sql: _Statements) -> str:
    with connection.cursor() as cursor:
        cursor.execute(sql.head_lock)
        found = cursor.fetchone()
        if found is None:
            # Normally made by migration 0003; a flushed test database starts without it.
            AuditHead.objects.get_or_create(
                pk=1, defaults={"last_id": 0, "last_hash": GENESIS_HASH}
            )
            cursor.execute(sql.head_lock)
            found = cursor.fetchone()
    return found[0]


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int | None
    reason: str

    def __str__(self) -> str:
        return f"audit entry #{self.entry_id}: {self.reason}"


def verify() -> Iterator[ChainProblem]:
    """Walk the chain in order; yields the first problem found (and stops).

    The head is read first: entries appended while we walk are checked like the others, and
    the entry the head pointed to must still be there with the hash the head recorded.
    """
    head = AuditHead.objects.filter(pk=1).first()
    previous, previous_id = GENESIS_HASH, None
    head_seen = head is None or head.last_id == 0
    count = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        if entry.prev_hash != previous:
            if previous_id is None:
                reason = "it should be the first entry, but an earlier entry was removed"
            else:
                reason = (
                    f"its link to the entry before it (#{previous_id}) is broken: "
                    f"#{previous_id} was changed, or an entry between them was removed"
                )
            yield ChainProblem(entry.pk, reason)
            return
        if entry_hash(entry) != entry.hash:
            yield ChainProblem(entry.pk, "its content was changed (the hash does not match)")
            return
        if head is not None and entry.pk == head.last_id:
            if entry.hash != head.last_hash:
                yield ChainProblem(entry.pk, "its hash differs from the one the chain head holds")
                return
            head_seen = True
        previous, previous_id = entry.hash, entry.pk
    if not head_seen:
        yield ChainProblem(
            head.last_id,
            "the newest entry was removed"
            + (f" (the last one left is #{previous_id})" if previous_id else ""),
        )
    elif head is None and count:
        yield ChainProblem(None, "the chain head is missing")


def export(*, since: datetime.datetime | None = None) -> Iterator[dict]:
    """The entries (from `since` on) as plain dicts, oldest first, for `onetrip audit export`."""
    entries = AuditEntry.objects.order_by("id")
    if since is not None:
        entries = entries.filter(at__gte=since)
    for entry in entries.iterator(chunk_size=2000):
        yield {
            "id": entry.pk,
            "at": entry.at.isoformat(),
            "actor_id": entry.actor_id,
            **{
                name: getattr(entry, name)
                for name in HASHED_FIELDS
                if name not in {"at", "actor_id"}
            },
            "hash": entry.hash,
        }
