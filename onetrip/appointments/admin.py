from django.contrib import admin

from onetrip.core.admin import AuditedModelAdmin

from .models import HallSchedule


@admin.register(HallSchedule)
class HallScheduleAdmin(AuditedModelAdmin):
    """A hall's appointment rules (a hall without one uses the defaults)."""

    list_display = ["hall", "is_open", "slot_minutes", "capacity", "days_ahead"]
    list_filter = ["is_open"]
    raw_id_fields = ["hall"]
