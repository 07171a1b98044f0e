from django.contrib import admin

from onetrip.core.admin import AuditedModelAdmin

from .models import Department, ServiceHall, Window


class WindowInline(admin.TabularInline):
    model = Window
    extra = 0
    fields = ["number", "name", "is_general", "departments"]


@admin.register(ServiceHall)
class ServiceHallAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "region", "phone"]
    search_fields = ["code", "name", "address"]
    raw_id_fields = ["region"]
    inlines = [WindowInline]


@admin.register(Department)
class DepartmentAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "short_name", "region", "parent", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name", "short_name"]
    raw_id_fields = ["region", "parent"]
