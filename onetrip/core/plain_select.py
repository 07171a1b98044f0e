"""Plain SELECTs for the few reads made on every call of a hot endpoint (an exchange call's
grants): the statement is made once per model and columns, the values go through the same
converters the ORM applies, and the rows become model instances without a QuerySet.

Building a query through the ORM (and even `Model.objects.raw()`, which resolves the columns and
their converters again on every call) costs several times running an indexed look-up.
"""

import functools

from django.db import connection, models
from django.db.models.expressions import Col


@functools.cache
def _select(model: type[models.Model], names: tuple[str, ...], where: str, tail: str):
    meta, quote = model._meta, connection.ops.quote_name
    fields = [meta.get_field(name) for name in names]
    columns = ", ".join(quote(f.column) for f in fields)
    # our own table and columns, quoted; `where` and `tail` are the caller's constant SQL
    sql = f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {where} {tail}"  # noqa: S608
    converters = []
    for field in fields:
        expression = Col(meta.db_table, field)
        found = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)
        converters.append((found, expression))
    return sql, [f.attname for f in fields], converters


def instances(
    model: type[models.Model], names: tuple[str, ...], where: str, params: list, tail: str = ""
) -> list[models.Model]:
    """`model` instances holding only the fields `names` of the rows `WHERE {where} {tail}`
    (e.g. where="client_id = %s AND dataset_id = %s", tail="ORDER BY id DESC LIMIT 5")."""
    sql, attnames, converters = _select(model, names, where, tail)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found = []
    for row in rows:
        values = {}
        for attname, value, (functions, expression) in zip(attnames, row, converters, strict=True):
            for convert in functions:
                value = convert(value, expression, connection)
            values[attname] = value
        found.append(model(**values))
    return found
