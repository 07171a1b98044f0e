from django.contrib import admin

from .models import SigningKey


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):
    """Read-only: keys are made with `onetrip signing-key create` (audited), never typed in."""

    list_display = ["key_id", "department", "algorithm", "created_at", "retired_at"]
    list_filter = ["algorithm"]
    search_fields = ["key_id", "department__code", "department__name"]
    readonly_fields = [
        "key_id",
        "department",
        "algorithm",
        "public_key",
        "created_at",
        "retired_at",
    ]
    exclude = ["private_key_encrypted"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
