from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.utils.translation import gettext_lazy as _

from onetrip.core.admin import AuditedModelAdmin

from .models import (
    DepartmentGrant,
    LegalPerson,
    Person,
    Representation,
    Staff,
    StaffRoleAssignment,
    User,
)


class OneTripUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    """Accounts are opened by registration or `onetrip user add` (validated and audited);
    here administrators unlock, deactivate or correct them."""

    form = OneTripUserChangeForm
    list_display = ["username", "display_name", "user_type", "assurance_level", "is_active"]
    list_filter = ["user_type", "assurance_level", "is_active", "is_staff", "is_superuser"]
    search_fields = ["username", "display_name", "=phone"]
    ordering = ["username"]
    readonly_fields = ["public_id", "last_login", "date_joined", "totp_confirmed_at"]
    fieldsets = [
        (None, {"fields": ["username", "password", "public_id"]}),
        (
            _("Identity"),
            {"fields": ["user_type", "display_name", "phone", "assurance_level"]},
        ),
        (
            _("Sign-in safety"),
            {"fields": ["failed_logins", "locked_until", "totp_confirmed_at"]},
        ),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]

    def has_add_permission(self, request):
        return False


class RepresentationInline(admin.TabularInline):
    model = Representation
    fk_name = "legal_person"
    extra = 0
    raw_id_fields = ["person", "granted_by"]


@admin.register(Person)
class PersonAdmin(AuditedModelAdmin):
    """Natural persons: personal data, so opening a record is audited."""

    audit_subject = ("person", "id_number")
    list_display = ["name", "user", "verified_at", "verified_in_person_at", "created_at"]
    search_fields = ["=id_number", "name", "=phone"]
    raw_id_fields = ["user", "region"]
    readonly_fields = ["created_at"]
    show_full_result_count = False


@admin.register(LegalPerson)
class LegalPersonAdmin(AuditedModelAdmin):
    audit_subject = ("legal", "uscc")
    list_display = ["uscc", "name", "entity_type", "legal_representative_name"]
    search_fields = ["=uscc", "name"]
    raw_id_fields = ["user", "legal_representative", "region"]
    readonly_fields = ["created_at"]
    inlines = [RepresentationInline]


@admin.register(Representation)
class RepresentationAdmin(AuditedModelAdmin):
    list_display = ["person", "legal_person", "kind", "valid_until", "revoked_at"]
    list_filter = ["kind"]
    search_fields = ["=person__id_number", "=legal_person__uscc", "legal_person__name"]
    raw_id_fields = ["person", "legal_person", "granted_by"]


class StaffRoleAssignmentInline(admin.TabularInline):
    model = StaffRoleAssignment
    extra = 0


class DepartmentGrantInline(admin.TabularInline):
    model = DepartmentGrant
    extra = 0
    raw_id_fields = ["granted_by"]
    readonly_fields = ["granted_at"]


@admin.register(Staff)
class StaffAdmin(AuditedModelAdmin):
    list_display = ["user", "department", "title", "employee_number"]
    list_filter = ["department", "role_assignments__role"]
    search_fields = ["user__username", "user__display_name", "employee_number"]
    raw_id_fields = ["user"]
    inlines = [StaffRoleAssignmentInline, DepartmentGrantInline]


@admin.register(DepartmentGrant)
class DepartmentGrantAdmin(AuditedModelAdmin):
    list_display = ["staff", "department", "reason", "granted_at", "valid_until"]
    raw_id_fields = ["staff", "granted_by"]
    readonly_fields = ["granted_at"]
