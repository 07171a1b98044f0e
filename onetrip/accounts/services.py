"""Every write to people, legal persons, staff and their standing, with its audit entry."""

import uuid

import pyotp
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onetrip.core import audit
from onetrip.core.errors import DomainError
from onetrip.departments import selectors as department_selectors
from onetrip.registries import selectors as registry_selectors

from . import policies
from .models import (
    AssuranceLevel,
    DepartmentGrant,
    LegalPerson,
    Person,
    Representation,
    RepresentationKind,
    Staff,
    StaffRole,
    StaffRoleAssignment,
    User,
    UserType,
)
from .validators import (
    check_citizen_id,
    check_mobile_phone,
    check_uscc,
    normalise_citizen_id,
    normalise_uscc,
)


def _check(verdict, field: str) -> None:
    if not verdict.valid:
        raise DomainError(f"accounts.invalid_{field}", verdict.reason, detail={"field": field})


def _check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise DomainError(
            "accounts.weak_password", " ".join(error.messages), detail={"field": "password"}
        ) from error


def person_registration_check(*, id_number: str, name: str, phone: str) -> tuple[str, str]:
    """What an account must pass before it is opened (and before a code is spent on it): the
    normalised ID number and name."""
    id_number = normalise_citizen_id(id_number)
    _check(check_citizen_id(id_number), "id_number")
    _check(check_mobile_phone(phone), "phone")
    name = (name or "").strip()
    if not name:
        raise DomainError(
            "accounts.name_required", _("Please enter your name."), detail={"field": "name"}
        )
    if Person.objects.filter(id_number=id_number, user__isnull=False).exists():
        raise DomainError(
            "accounts.already_registered",
            _("An account already exists for this ID number."),
            detail={"field": "id_number"},
            status=409,
        )
    if User.objects.filter(phone=phone).exists():
        raise DomainError(
            "accounts.phone_taken",
            _("This phone number already belongs to another account."),
            detail={"field": "phone"},
            status=409,
        )
    return id_number, name


@transaction.atomic
def person_register(
    *,
    id_number: str,
    name: str,
    phone: str,
    password: str | None,
    actor=None,
    request=None,
    level: str = AssuranceLevel.L1,
) -> User:
    """A citizen opens an account (L1). The phone must be theirs: callers verify it first.
    Without a password (opened at a counter) the person signs in with codes sent to the
    phone."""
    id_number, name = person_registration_check(id_number=id_number, name=name, phone=phone)
    user = User(
        username=f"p-{uuid.uuid4().hex[:16]}",
        user_type=UserType.PERSON,
        display_name=name,
        phone=phone,
        assurance_level=level,
    )
    if password is None:
        user.set_unusable_password()
    else:
        _check_password(password, user)
        user.set_password(password)
    try:
        user.save()
    except IntegrityError as error:
        raise DomainError(
            "accounts.already_registered",
            _("An account already exists for this ID number."),
            status=409,
        ) from error
    person, _created = Person.objects.update_or_create(
        id_number=id_number, defaults={"user": user, "name": name, "phone": phone}
    )
    if level != AssuranceLevel.L1:
        now = timezone.now()
        person.verified_at = now
        if level == AssuranceLevel.L3:
            person.verified_in_person_at = now
        person.save(update_fields=["verified_at", "verified_in_person_at"])
    audit.record(
        actor=actor or user,
        action="accounts.person.register",
        target=user,
        subject_type="person",
        subject_id=id_number,
        request=request,
        detail={"level": level},
    )
    return user


@transaction.atomic
def person_verify_real_name(*, user: User, request=None) -> User:
    """L2: the account's ID number, name and phone must match the population registry."""
    person = Person.objects.select_for_update().filter(user=user).first()
    if person is None:
        raise DomainError("accounts.not_a_person", _("Only a natural person can be verified."))
    if user.has_level(AssuranceLevel.L2):
        return user
    record = registry_selectors.population_record_for_verification(
        id_number=person.id_number,
        actor=user,
        purpose="real-name verification (L2)",
    )
    matches = (
        record is not None and record.name == person.name and record.phone == (user.phone or "")
    )
    audit.record(
        actor=user,
        action="accounts.person.verify_real_name",
        target=user,
        subject_type="person",
        subject_id=person.id_number,
        request=request,
        detail={"matched": matches},
    )
    if not matches:
        raise DomainError(
            "accounts.real_name_mismatch",
            _(
                "Your ID number, name and phone do not match the population registry. "
                "Check them, or verify in person at a service hall."
            ),
        )
    person.verified_at = timezone.now()
    person.region_id = record.household_region_id
    person.save(update_fields=["verified_at", "region"])
    user.assurance_level = AssuranceLevel.L2
    user.save(update_fields=["assurance_level"])
    return user


@transaction.atomic
def person_verify_in_person(*, actor: User, user: User, request=None) -> User:
    """L3: a clerk saw the person and their ID card at a counter."""
    policies.require(actor, "accounts.verify_in_person")
    person = Person.objects.select_for_update().filter(user=user).first()
    if person is None:
        raise DomainError("accounts.not_a_person", _("Only a natural person can be verified."))
    now = timezone.now()
    person.verified_at = person.verified_at or now
    person.verified_in_person_at = now
    person.save(update_fields=["verified_at", "verified_in_person_at"])
    user.assurance_level = AssuranceLevel.L3
    user.save(update_fields=["assurance_level"])
    audit.record(
        actor=actor,
        action="accounts.person.verify_in_person",
        target=user,
        subject_type="person",
        subject_id=person.id_number,
        request=request,
    )
    return user


@transaction.atomic
def staff_create(
    *,
    username: str,
    name: str,
    department_code: str,
    roles: list[str],
    password: str,
    phone: str | None = None,
    actor=None,
    totp_secret: str | None = None,
) -> User:
    department = department_selectors.department_find(code_or_name=department_code)
    if department is None:
        raise DomainError(
            "accounts.unknown_department",
            _("No such department."),
            detail={"department": department_code},
        )
    unknown = set(roles) - set(StaffRole.values)
    if unknown or not roles:
        raise DomainError(
            "accounts.unknown_role",
            _("Unknown role."),
            detail={"roles": sorted(unknown), "allowed": StaffRole.values},
        )
    if User.objects.filter(username=username).exists():
        raise DomainError(
            "accounts.username_taken",
            _("This account name is taken."),
            status=409,
            detail={"field": "username"},
        )
    if phone:
        _check(check_mobile_phone(phone), "phone")
    user = User(
        username=username,
        user_type=UserType.STAFF,
        display_name=name,
        phone=phone,
        assurance_level=AssuranceLevel.L3,
        totp_secret=totp_secret or "",
        # Administrators run the Django admin (which signs in through our pages, with TOTP).
        is_staff=StaffRole.ADMINISTRATOR in roles,
        is_superuser=StaffRole.ADMINISTRATOR in roles,
    )
    if password is None:
        user.set_unusable_password()
    else:
        _check_password(password, user)
        user.set_password(password)
    user.save()
    staff = Staff.objects.create(user=user, department=department)
    StaffRoleAssignment.objects.bulk_create(
        [StaffRoleAssignment(staff=staff, role=role) for role in roles]
    )
    audit.record(
        actor=actor,
        action="accounts.staff.create",
        target=user,
        detail={"department": department.code, "roles": sorted(roles)},
    )
    return user


def totp_new_secret() -> str:
    return pyotp.random_base32()


@transaction.atomic
def legal_person_register(
    *,
    uscc: str,
    name: str,
    entity_type: str,
    representative: Person,
    actor=None,
    password: str | None = None,
    phone: str | None = None,
) -> LegalPerson:
    uscc = normalise_uscc(uscc)
    _check(check_uscc(uscc), "uscc")
    if LegalPerson.objects.filter(uscc=uscc).exists():
        raise DomainError(
            "accounts.legal_person_exists",
            _("This legal person is already registered."),
            status=409,
        )
    user = None
    if password:
        user = User(
            username=f"l-{uuid.uuid4().hex[:16]}",
            user_type=UserType.LEGAL,
            display_name=name,
            phone=phone,
            assurance_level=AssuranceLevel.L2,
        )
        _check_password(password, user)
        user.set_password(password)
        user.save()
    legal = LegalPerson.objects.create(
        user=user,
        uscc=uscc,
        name=name,
        entity_type=entity_type,
        legal_representative=representative,
        legal_representative_name=representative.name,
    )
    Representation.objects.create(
        person=representative,
        legal_person=legal,
        kind=RepresentationKind.REPRESENTATIVE,
        granted_by=actor if isinstance(actor, User) else None,
    )
    audit.record(
        actor=actor,
        action="accounts.legal_person.register",
        target=legal,
        subject_type="legal",
        subject_id=uscc,
    )
    return legal


@transaction.atomic
def agent_authorise(
    *,
    actor: User,
    legal_person: LegalPerson,
    agent: Person,
    scope: str = "",
    valid_until=None,
) -> Representation:
    """The legal representative authorises a person to act for the legal person (授权代办)."""
    representative = Person.objects.filter(user=actor).first()
    is_representative = (
        representative is not None
        and Representation.objects.filter(
            person=representative,
            legal_person=legal_person,
            kind=RepresentationKind.REPRESENTATIVE,
            revoked_at__isnull=True,
        ).exists()
    )
    if not is_representative:
        raise DomainError(
            "accounts.not_representative",
            _("Only the legal representative can authorise an agent."),
            status=403,
        )
    if Representation.objects.filter(
        person=agent, legal_person=legal_person, revoked_at__isnull=True
    ).exists():
        raise DomainError(
            "accounts.already_authorised",
            _("This person may already act for the legal person."),
            status=409,
        )
    representation = Representation.objects.create(
        person=agent,
        legal_person=legal_person,
        kind=RepresentationKind.AGENT,
        scope=scope,
        granted_by=actor,
        valid_until=valid_until,
    )
    audit.record(
        actor=actor,
        action="accounts.representation.authorise",
        target=representation,
        subject_type="legal",
        subject_id=legal_person.uscc,
        detail={"agent": agent.id_number, "scope": scope},
    )
    return representation


@transaction.atomic
def agent_revoke(*, actor: User, representation: Representation) -> Representation:
    if representation.kind != RepresentationKind.AGENT:
        raise DomainError(
            "accounts.cannot_revoke_representative",
            _("The legal representative cannot be revoked here."),
        )
    representation.revoked_at = timezone.now()
    representation.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        action="accounts.representation.revoke",
        target=representation,
        subject_type="legal",
        subject_id=representation.legal_person.uscc,
    )
    return representation


@transaction.atomic
def department_grant(
    *, actor: User, staff: Staff, department, reason: str, valid_until=None
) -> DepartmentGrant:
    """Lets a staff member see another department's work; only heads and administrators may."""
    policies.require(actor, "accounts.grant_department")
    grant = DepartmentGrant.objects.create(
        staff=staff, department=department, reason=reason, granted_by=actor, valid_until=valid_until
    )
    audit.record(
        actor=actor,
        action="accounts.department_grant.create",
        target=grant,
        detail={"staff": staff.user.username, "department": department.code, "reason": reason},
    )
    return grant
