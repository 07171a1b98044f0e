"""Every index earns its writes: none repeats the leading columns of another index on its table.

A redundant index costs a page write on every insert (and on updates of its column) and
disk for every row, and answers nothing the longer index does not. Django adds one to every
foreign key, so a composite or unique index that starts with that key makes it redundant:
such keys say `db_index=False` (migrations drop the old ones by name, see
`onetrip.core.migration_ops.drop_indexes`)."""

import pytest
from django.apps import apps
from django.db import connection

pytestmark = pytest.mark.django_db


def _indexes(cursor, table: str) -> dict[str, tuple[list[str], bool]]:
    constraints = connection.introspection.get_constraints(cursor, table)
    return {
        name: (found["columns"], found["unique"] or found["primary_key"])
        for name, found in constraints.items()
        if (found["index"] or found["unique"] or found["primary_key"])
        and found["columns"]
        # PostgreSQL's pattern-ops twin of a text column's index answers LIKE 'prefix%',
        # which an index in the database's collation cannot.
        and not name.endswith("_like")
    }


def _redundant(indexes: dict[str, tuple[list[str], bool]]) -> list[str]:
    """Non-unique indexes whose columns begin another index (a unique one stays: it is a rule)."""
    return [
        f"{name} {columns} ⊂ {other} {wider}"
        for name, (columns, unique) in indexes.items()
        if not unique
        for other, (wider, _) in indexes.items()
        if other != name and len(wider) > len(columns) and wider[: len(columns)] == columns
    ]


def test_no_index_repeats_the_start_of_another():
    found = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if model.__module__.startswith("onetrip.") and not model._meta.proxy:
                found += _redundant(_indexes(cursor, model._meta.db_table))
    assert found == []


def test_the_check_sees_a_redundant_index():
    indexes = {"by_user": (["user_id"], False), "by_user_time": (["user_id", "at"], False)}
    assert _redundant(indexes) == ["by_user ['user_id'] ⊂ by_user_time ['user_id', 'at']"]
    assert _redundant({"one": (["user_id"], True), "two": (["user_id", "at"], False)}) == []
