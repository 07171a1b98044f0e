from django.contrib import admin

from onetrip.core.admin import ReadOnlyAdmin

from .models import OneTimeCode


@admin.register(OneTimeCode)
class OneTimeCodeAdmin(ReadOnlyAdmin):
    """Codes sent to phones, for tracing delivery problems; only hashes are stored."""

    list_display = ["phone", "purpose", "created_at", "expires_at", "attempts", "used_at"]
    list_filter = ["purpose"]
    search_fields = ["=phone"]
    exclude = ["code_hash"]
    readonly_fields = ["phone", "purpose", "created_at", "expires_at", "attempts", "used_at"]
