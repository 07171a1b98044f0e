"""Plain INSERT statements prepared before the transaction that runs them, for the few hottest
writes (an application's submission).

On SQLite every write transaction holds the database's single write lock from BEGIN to COMMIT
(decision 0013), so whatever Python does inside it, every other writer waits for. Building an
INSERT through the ORM (the instance, its field values, the compiled SQL) costs several times
running it. `prepare_insert(obj)` does all of that now — the SQL once per model, made from its
fields; the values from the instance, with `auto_now_add` and defaults applied as `save()`
would — and returns a function that only executes the statement.

Unlike `save()`, no `pre_save`/`post_save` signal is sent and the instance gets no primary key:
use it only for rows nothing listens to and nothing reads back in the same request.

On PostgreSQL, `update_with_inserts` sends a guarded UPDATE and the INSERTs that go with it as
one statement (data-modifying CTEs): one round trip instead of one each, and the inserts happen
only if the update changed its row.
"""

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, models


@functools.cache
def _insert_sql(model: type[models.Model]) -> tuple[str, tuple[models.Field, ...]]:
    meta = model._meta
    fields = tuple(f for f in meta.concrete_fields if not f.primary_key or not f.db_returning)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # our own table and columns, quoted
    return f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})", fields  # noqa: S608


@dataclass(frozen=True)
class PreparedInsert:
    model: type[models.Model]
    params: list

    def __call__(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(_insert_sql(self.model)[0], self.params)


def prepare_insert(obj: models.Model) -> PreparedInsert:
    """The INSERT of `obj` (not saved yet), worked out now; call the result to run it."""
    fields = _insert_sql(type(obj))[1]
    params = [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
    return PreparedInsert(type(obj), params)


@functools.cache
def _insert_select_sql(model: type[models.Model], source: str) -> str:
    """INSERT … SELECT <values> FROM source: each value cast to its column's type, because a
    parameter in a SELECT list has no type of its own for PostgreSQL to infer."""
    meta, quote = model._meta, connection.ops.quote_name
    fields = _insert_sql(model)[1]
    columns = ", ".join(quote(f.column) for f in fields)
    values = ", ".join(f"%s::{f.cast_db_type(connection)}" for f in fields)
    # our own table, columns and CTE name; values are parameters
    return f"INSERT INTO {quote(meta.db_table)} ({columns}) SELECT {values} FROM {source}"  # noqa: S608


def update_with_inserts(
    update_sql: str,
    update_params: Sequence,
    inserts: Sequence[PreparedInsert],
    *,
    also: str = "",
) -> tuple:
    """PostgreSQL only. Runs `update_sql` (an UPDATE … RETURNING one column), and each insert
    once if the update changed a row, as one statement. `also` is a SELECT for a further CTE
    (a row lock, say; it may read the update's CTE, `changed`) whose single value is returned
    too. Returns (rows changed, that value)."""
    parts, params = [f"changed AS ({update_sql})"], list(update_params)
    for index, insert in enumerate(inserts):
        parts.append(f"insert{index} AS ({_insert_select_sql(insert.model, 'changed')})")
        params += insert.params
    if also:
        parts.append(f"also AS ({also})")
    value = ", (SELECT * FROM also)" if also else ""
    # the caller's constant SQL and ours; values are parameters
    sql = f"WITH {', '.join(parts)} SELECT (SELECT count(*) FROM changed){value}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0], (row[1] if also else None)
