from django.contrib import admin

from onetrip.core.admin import AuditedModelAdmin

from .models import EntityRecord, PopulationRecord


@admin.register(PopulationRecord)
class PopulationRecordAdmin(AuditedModelAdmin):
    """The population registry: every record opened here is audited, naming the person."""

    audit_subject = ("person", "id_number")
    list_display = ["name", "gender", "birth_date", "household_region", "updated_at"]
    list_filter = ["gender"]
    search_fields = ["=id_number", "name"]
    raw_id_fields = ["household_region"]
    show_full_result_count = False


@admin.register(EntityRecord)
class EntityRecordAdmin(AuditedModelAdmin):
    audit_subject = ("legal", "uscc")
    list_display = ["uscc", "name", "entity_type", "legal_representative", "status"]
    list_filter = ["status", "entity_type"]
    search_fields = ["=uscc", "name"]
