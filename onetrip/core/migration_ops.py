"""Operations that migrations share."""

from django.db import migrations


def drop_indexes(table: str, indexes: dict[str, str], *state_operations):
    """Drop `indexes` (name → column) of `table` by name; `state_operations` (fields now
    declared with `db_index=False`) change only what Django knows of the models.

    Why not a plain AlterField: on SQLite Django copies the whole table to change a field's
    index, which for a county's million cases is minutes of an upgrade. PostgreSQL's extra
    `<name>_like` index of a text column goes too (IF EXISTS: SQLite has none)."""
    drops = []
    for name, column in indexes.items():
        drops.append(
            migrations.RunSQL(
                f'DROP INDEX IF EXISTS "{name}"',
                reverse_sql=f'CREATE INDEX "{name}" ON "{table}" ("{column}")',
            )
        )
        drops.append(
            migrations.RunSQL(f'DROP INDEX IF EXISTS "{name}_like"', migrations.RunSQL.noop)
        )
    return migrations.SeparateDatabaseAndState(
        database_operations=drops, state_operations=list(state_operations)
    )
