from django.db import migrations

# PostgreSQL only: the indexed texts move out of opendata_search into a narrow table of their
# own, opendata_search_text (as on SQLite), so that finding a word of three or more characters
# scans ~6 MB of text rather than the ~35 MB of gram arrays beside it (textindex.py).


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in (
            "CREATE TABLE opendata_search_text (rowid bigint PRIMARY KEY, text text NOT NULL)",
            "INSERT INTO opendata_search_text (rowid, text) SELECT rowid, text FROM opendata_search",
            "ALTER TABLE opendata_search DROP COLUMN text",
        ):
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in (
            "ALTER TABLE opendata_search ADD COLUMN text text NOT NULL DEFAULT ''",
            "UPDATE opendata_search s SET text = t.text FROM opendata_search_text t "
            "WHERE t.rowid = s.rowid",
            "ALTER TABLE opendata_search ALTER COLUMN text DROP DEFAULT",
            "DROP TABLE opendata_search_text",
        ):
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("opendata", "0003_sort_indexes_end_with_id"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
