"""The audit log: who did what, to whose data, from where and why; SM3 hash-chained.

`record()` is called by services (writes) and selectors (reads of personal data), inside their
transaction, so an action and its audit entry land together or not at all.
"""

import datetime
import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass

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
    values["at"] = entry.at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    canonical = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return sm3_hex(canonical.encode())


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
    return _append([_entry_fields(**kwargs)], previous=chain_head)[0]


def head_lock_sql() -> str:
    """The SELECT that locks the chain's head row and gives its hash. A hot write on PostgreSQL
    runs it inside one of its own statements (core.plain.update_with_inserts) and passes the
    hash to `record(chain_head=…)`, which then skips its own lock: one round trip less."""
    return _statements().head_lock


def record_read(**kwargs) -> None:
    """Audit a read that happens at high volume (public licence verification, exchange calls):
    same arguments as `record`, the content taken now, the entry written by the write-behind
    buffer within `ONETRIP_WRITE_BEHIND_SECONDS` together with others (at once when that is 0).
    Only for reads: the entry does not share the caller's transaction."""
    writebehind.add("audit", _entry_fields(**kwargs))


def _append(items: list[dict], previous: str | None = None) -> list[AuditEntry]:
    """Chain and insert entries in order: one head lock (unless the caller locked the head in
    this transaction and gives its hash as `previous`, with nothing appended since), one INSERT,
    one head update (on PostgreSQL the INSERT and the update are one statement).

    Every audited write and every write-behind batch runs this while holding the write lock
    (SQLite) or the head row (PostgreSQL), so it uses plain statements made once (`_statements`)
    instead of building them through the ORM each time (bench/README.md)."""
    sql = _statements()
    # No savepoint inside the caller's transaction: two more round trips while the chain's head
    # is locked, and an audit entry that fails must take the caller's change with it anyway.
    with transaction.atomic(savepoint=False):
        if previous is None:
            previous = _locked_head_hash(sql)
        entries = []
        for fields in items:
            entry = AuditEntry(**fields, prev_hash=previous)
            entry.hash = previous = entry_hash(entry)
            entries.append(entry)
        params = [
            field.get_db_prep_save(getattr(entry, field.attname), connection)
            for entry in entries
            for field in sql.fields
        ]
        rows = ", ".join([sql.row] * len(entries))
        insert = f"{sql.insert} {rows} {sql.returning}"
        with connection.cursor() as cursor:
            if sql.insert_with_head:
                cursor.execute(
                    sql.insert_with_head % {"insert": insert}, [*params, entries[-1].hash]
                )
            else:
                cursor.execute(insert, params)
            ids = sorted(found[0] for found in cursor.fetchall())  # ids grow in row order
            for entry, pk in zip(entries, ids, strict=True):
                entry.pk = pk
                entry._state.adding, entry._state.db = False, connection.alias  # as if loaded
            if not sql.insert_with_head:
                cursor.execute(sql.head_update, [entries[-1].pk, entries[-1].hash])
    return entries


writebehind.register("audit", _append)


@dataclass(frozen=True)
class _Statements:
    fields: tuple
    insert: str
    row: str
    returning: str
    head_lock: str
    head_update: str
    insert_with_head: str  # PostgreSQL: INSERT and head update as one statement


@functools.cache
def _statements() -> _Statements:
    quote = connection.ops.quote_name
    entry, head = AuditEntry._meta, AuditHead._meta
    fields = tuple(f for f in entry.concrete_fields if not f.primary_key)
    columns = ", ".join(quote(f.column) for f in fields)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    head_table, pk = quote(head.db_table), quote(head.pk.column)
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
        head_lock=f"SELECT {quote('last_hash')} FROM {head_table} WHERE {pk} = 1{lock}",  # noqa: S608
        head_update=(
            f"UPDATE {head_table} SET {quote('last_id')} = %s, {quote('last_hash')} = %s "  # noqa: S608
            f"WHERE {pk} = 1"
        ),
        insert_with_head=insert_with_head,
    )


def _locked_head_hash(sql: _Statements) -> str:
    with connection.cursor() as cursor:
        cursor.execute(sql.head_lock)
        found = cursor.fetchone()
    if found is None:
        return _locked_head().last_hash
    return found[0]


def _locked_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        # Normally made by migration 0003; a flushed test database starts without it.
        AuditHead.objects.get_or_create(pk=1, defaults={"last_id": 0, "last_hash": GENESIS_HASH})
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


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
