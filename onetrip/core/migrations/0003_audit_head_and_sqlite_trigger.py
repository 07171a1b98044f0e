"""The chain head exists from the start, so the first writers only ever lock it; on SQLite a
trigger refuses UPDATE of audit entries (PostgreSQL refuses UPDATE and DELETE since 0002).

SQLite gets no DELETE trigger: Django empties tables with DELETE between transactional tests,
and a trigger would turn every such flush into an error. Removing a row still breaks the chain,
which `onetrip audit verify` reports.
"""

from django.db import migrations

GENESIS_HASH = "0" * 64

SQLITE_CREATE = """
CREATE TRIGGER IF NOT EXISTS core_auditentry_no_update
BEFORE UPDATE ON core_auditentry
BEGIN
    SELECT RAISE(ABORT, 'core_auditentry is append-only: UPDATE refused');
END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS core_auditentry_no_update;"


def forwards(apps, schema_editor):
    AuditHead = apps.get_model("core", "AuditHead")
    AuditHead.objects.get_or_create(pk=1, defaults={"last_id": 0, "last_hash": GENESIS_HASH})
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
