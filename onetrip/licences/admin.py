from django.contrib import admin

from .models import Licence, LicenceType


@admin.register(LicenceType)
class LicenceTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "department", "identifier_code", "validity_months")
    search_fields = ("code", "name")
    list_filter = ("department",)


@admin.register(Licence)
class LicenceAdmin(admin.ModelAdmin):
    """Read-only: licences are issued and revoked only through the services (signed, audited)."""

    list_display = ("number", "licence_type", "department", "issued_at", "revoked_at")
    list_filter = ("licence_type", "department")
    search_fields = ("number", "source")
    exclude = ("payload", "signature", "holder_id", "holder_name", "fields")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
