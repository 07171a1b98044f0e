"""The Django admin (系统管理) for administrators: the audit log read-only, and a base class that
puts every admin write, and every look at personal data, into the audit log."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import audit
from .models import AuditEntry


class AuditedModelAdmin(admin.ModelAdmin):
    """Admin writes bypass the services, so they are audited here, in the admin's transaction.

    `audit_subject = ("person", "id_number")` marks a model as personal data: opening one
    record is audited too, naming whose data it is.
    """

    audit_subject: tuple[str, str] | None = None

    def _audit(self, request, obj, verb: str, **extra) -> None:
        subject_type, subject_id = "", ""
        if self.audit_subject is not None:
            subject_type = self.audit_subject[0]
            subject_id = str(getattr(obj, self.audit_subject[1], "") or "")
        audit.record(
            actor=request.user,
            action=f"admin.{obj._meta.label_lower}.{verb}",
            target=obj,
            subject_type=subject_type,
            subject_id=subject_id,
            purpose="administration",
            request=request,
            **extra,
        )

    def log_addition(self, request, obj, message):
        self._audit(request, obj, "add", detail={"change": message})
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._audit(request, obj, "change", detail={"change": message})
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._audit(request, obj, "delete", detail={"repr": str(obj)})
        return super().log_deletions(request, queryset)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if self.audit_subject is not None and request.method == "GET":
            obj = self.get_object(request, admin.utils.unquote(object_id))
            if obj is not None and self.has_view_or_change_permission(request, obj):
                self._audit(request, obj, "view")
        return super().change_view(request, object_id, form_url, extra_context)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never added, changed or deleted through the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The audit log, append-only: readable by administrators, changeable by nobody."""

    list_display = ["id", "at", "actor_label", "ip", "action", "subject_type", "subject_id"]
    list_filter = ["action", "subject_type"]
    search_fields = ["=subject_id", "=actor_label", "=request_id", "action", "target_id"]
    date_hierarchy = "at"
    readonly_fields = [
        "at",
        "actor_label",
        "ip",
        "request_id",
        "action",
        "target_type",
        "target_id",
        "subject_type",
        "subject_id",
        "purpose",
        "detail",
        "prev_hash",
        "hash",
    ]
    exclude = ["actor"]
    list_per_page = 50
    show_full_result_count = False

    def changelist_view(self, request, extra_context=None):
        # The log names whose data was touched: reading it is audited like any such read.
        audit.record(
            actor=request.user,
            action="admin.core.auditentry.list",
            purpose="audit review",
            detail={"query": request.GET.urlencode()[:500]},
            request=request,
        )
        extra_context = {**(extra_context or {}), "title": _("Audit log")}
        return super().changelist_view(request, extra_context)
