"""Reads of people, legal persons, staff and their scopes."""

from django.db.models import Q
from django.utils import timezone

from .models import DepartmentGrant, LegalPerson, Person, Representation, Staff, StaffRole, User


def staff_for_user(*, user: User) -> Staff | None:
    if not getattr(user, "is_authenticated", False) or user.user_type != "staff":
        return None
    cached = getattr(user, "_staff_cache", None)
    if cached is None:
        cached = (
            Staff.objects.select_related("department", "department__region")
            .prefetch_related("role_assignments")
            .filter(user=user)
            .first()
        )
        user._staff_cache = cached
    return cached


def person_for_user(*, user: User) -> Person | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.select_related("region").filter(user=user).first()


def user_find_for_login(*, identifier: str) -> User | None:
    """Persons sign in with their citizen ID number or phone; staff with their account name."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    by_id_number = identifier.upper()
    return (
        User.objects.filter(
            Q(username=identifier) | Q(phone=identifier) | Q(person__id_number=by_id_number)
        )
        .filter(is_active=True)
        .first()
    )


# Roles that see every department of the region they work in.
REGION_WIDE_ROLES = {StaffRole.SUPERVISOR, StaffRole.ADMINISTRATOR}


def department_ids_visible_to(*, staff: Staff) -> set[int] | None:
    """Departments whose work the staff member may see; None means every department."""
    if staff.role_set() & REGION_WIDE_ROLES:
        return None
    today = timezone.localdate()
    granted = DepartmentGrant.objects.filter(staff=staff).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )
    return {staff.department_id, *granted.values_list("department_id", flat=True)}


def representations_for_person(*, person: Person):
    today = timezone.localdate()
    return (
        Representation.objects.filter(person=person, revoked_at__isnull=True)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("legal_person")
    )


def legal_person_get(*, uscc: str) -> LegalPerson | None:
    return LegalPerson.objects.filter(uscc=uscc).first()
