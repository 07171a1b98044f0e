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
"""

import functools
from collections.abc import Callable

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


def prepare_insert(obj: models.Model) -> Callable[[], None]:
    """The INSERT of `obj` (not saved yet), worked out now; call the result to run it."""
    sql, fields = _insert_sql(type(obj))
    params = [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]

    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    return run
