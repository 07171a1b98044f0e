"""Plain SELECTs for the few reads made on every call of a hot endpoint (an exchange call's
grants): the statement is made once per model and columns, the values go through the same
converters the ORM applies, and the rows become model instances without a QuerySet.

Building a query through the ORM (and even `Model.objects.raw()`, which resolves the columns and
their converters again on every call) costs several times running an indexed look-up.
"""

import functools

from django.db import connection, models
from django.db.models.base import DEFERRED
from django.db.models.expressions import Col


@functools.cache
def _select(model: type[models.Model], names: tuple[str, ...], where: str, tail: str):
    meta, quote = model._meta, connection.ops.quote_name
    fields = [meta.get_field(name) for name in names]
    columns = ", ".join(quote(f.column) for f in fields)
    # our own table and columns, quoted; `where` and `tail` are the caller's constant SQL
    sql = f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {where} {tail}"  # noqa: S608
    attnames, converters = columns_of(model, names)
    return sql, attnames, converters


@functools.cache
def columns_of(model: type[models.Model], names: tuple[str, ...]):
    """The attribute names of the fields `names` and, for each, the converters the ORM applies
    to a value read from the database (for `from_row`)."""
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    converters = []
    for field in fields:
        expression = Col(meta.db_table, field)
        found = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)
        converters.append((found, expression))
    return [f.attname for f in fields], converters


def from_row(model: type[models.Model], names: tuple[str, ...], row) -> models.Model:
    """A `model` instance, as if loaded, from the leading values of `row` (the fields `names`
    in that order), converted as the ORM would."""
    attnames, converters = columns_of(model, names)
    found = {}
    for attname, value, (functions, expression) in zip(attnames, row, converters, strict=False):
        for convert in functions:
            value = convert(value, expression, connection)
        found[attname] = value
    # from_db() takes the values in the model's field order, the others deferred
    values = [found.get(f.attname, DEFERRED) for f in model._meta.concrete_fields]
    return model.from_db(connection.alias, [f.attname for f in model._meta.concrete_fields], values)


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
