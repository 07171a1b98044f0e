"""Reads of people, legal persons, staff and their scopes."""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from onetrip.core import audit

from .models import DepartmentGrant, LegalPerson, Person, Representation, Staff, StaffRole, User
from .validators import normalise_citizen_id


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


# --- Reads for the portal and workbench pages (each read of a person's data is audited) ---


def person_profile_get(*, user: User, request=None) -> Person | None:
    """A signed-in person's own record, for their account page (audited like any other read)."""
    person = person_for_user(user=user)
    if person is not None:
        audit.record(
            actor=user,
            action="accounts.person.read",
            subject_type="person",
            subject_id=person.id_number,
            purpose="own account page",
            request=request,
        )
    return person


def person_find_by_id_number(
    *, actor: User, id_number: str, purpose: str, name: str | None = None, request=None
) -> Person | None:
    """A registered person by citizen ID number (and name, when the caller must know both).

    Audited whether or not someone is found: looking is itself a use of personal data."""
    id_number = normalise_citizen_id(id_number or "")
    queryset = Person.objects.select_related("user").filter(id_number=id_number, user__isnull=False)
    if name is not None:
        queryset = queryset.filter(name=(name or "").strip())
    person = queryset.first()
    audit.record(
        actor=actor,
        action="accounts.person.lookup",
        subject_type="person",
        subject_id=id_number,
        purpose=purpose,
        request=request,
        detail={"found": person is not None},
    )
    return person


def person_get_by_public_id(*, actor: User, public_id, purpose: str, request=None) -> Person:
    """The person whose account has this public id; 404 when there is none."""
    person = get_object_or_404(
        Person.objects.select_related("user"), user__public_id=public_id, user__is_active=True
    )
    audit.record(
        actor=actor,
        action="accounts.person.read",
        subject_type="person",
        subject_id=person.id_number,
        purpose=purpose,
        request=request,
    )
    return person


def legal_persons_represented_by(*, person: Person):
    """Legal persons for which this person is the (current) legal representative."""
    return LegalPerson.objects.filter(
        representations__person=person,
        representations__kind="representative",
        representations__revoked_at__isnull=True,
    ).distinct()


def agents_of_legal_person(*, actor: User, legal_person: LegalPerson, request=None):
    """The active authorised agents of a legal person, for its representative (audited)."""
    agents = list(
        representations_for_legal_person(legal_person=legal_person)
        .filter(kind="agent")
        .select_related("person")
        .order_by("granted_at")
    )
    if agents:
        audit.record(
            actor=actor,
            action="accounts.representation.list",
            subject_type="legal",
            subject_id=legal_person.uscc,
            purpose="legal representative reviews authorised agents",
            request=request,
            detail={"agents": len(agents)},
        )
    return agents


def representations_for_legal_person(*, legal_person: LegalPerson):
    today = timezone.localdate()
    return Representation.objects.filter(legal_person=legal_person, revoked_at__isnull=True).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )


def agent_representation_get(*, representative: Person, uscc: str, representation_id: int):
    """An active agent representation of a legal person the caller represents; 404 otherwise."""
    represented = legal_persons_represented_by(person=representative)
    return get_object_or_404(
        Representation.objects.select_related("legal_person", "person"),
        pk=representation_id,
        legal_person__in=represented,
        legal_person__uscc=uscc,
        kind="agent",
        revoked_at__isnull=True,
    )


def staff_list(*, department_ids: set[int] | None = None):
    """Staff of the given departments (None: every department), with their roles."""
    queryset = Staff.objects.select_related("user", "department").prefetch_related(
        "role_assignments"
    )
    if department_ids is not None:
        queryset = queryset.filter(department_id__in=department_ids)
    return queryset.filter(user__is_active=True).order_by("department__code", "user__username")


def staff_find(*, username: str) -> Staff | None:
    return staff_list().filter(user__username=(username or "").strip()).first()


def department_grants_list(*, department_ids: set[int] | None = None):
    """Current grants onto the given departments (None: every department)."""
    today = timezone.localdate()
    queryset = DepartmentGrant.objects.select_related(
        "staff__user", "staff__department", "department", "granted_by"
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    if department_ids is not None:
        queryset = queryset.filter(department_id__in=department_ids)
    return queryset.order_by("-granted_at")


def staff_list_for_department(*, actor: User, department, request=None):
    """The people working in a department, for colleagues allowed to see it (audited)."""
    staff = list(staff_list(department_ids={department.pk}))
    audit.record(
        actor=actor,
        action="accounts.staff.list",
        target=department,
        purpose="workbench department page",
        request=request,
        detail={"count": len(staff)},
    )
    return staff
