from django.contrib import admin
from django.utils import timezone

from onetrip.core import audit

from .models import HolidayDay, HolidayYear


class HolidayDayInline(admin.TabularInline):
    model = HolidayDay
    extra = 3
    fields = ["date", "is_workday", "name"]


@admin.register(HolidayYear)
class HolidayYearAdmin(admin.ModelAdmin):
    """Entering a year's arrangement by hand; `onetrip workdays import` does it from a file."""

    list_display = ["year", "notice", "updated_at"]
    inlines = [HolidayDayInline]
    readonly_fields = ["updated_at"]

    def save_model(self, request, obj, form, change):
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        year = form.instance
        audit.record(
            actor=request.user,
            action="workdays.holiday_year.admin_change"
            if change
            else "workdays.holiday_year.admin_add",
            target=year,
            detail={"year": year.year, "days": year.days.count()},
            request=request,
        )

    def delete_model(self, request, obj):
        audit.record(
            actor=request.user,
            action="workdays.holiday_year.admin_delete",
            target=obj,
            detail={"year": obj.year},
            request=request,
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
