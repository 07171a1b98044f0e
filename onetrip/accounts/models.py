import uuid

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserType(models.TextChoices):
    PERSON = "person", _("Natural person")
    LEGAL = "legal", _("Legal person")
    STAFF = "staff", _("Staff")


class AssuranceLevel(models.TextChoices):
    """How sure we are that the account belongs to the person it names."""

    L1 = "L1", _("L1 registered")
    L2 = "L2", _("L2 real-name verified")
    L3 = "L3", _("L3 verified in person")


ASSURANCE_ORDER = {AssuranceLevel.L1: 1, AssuranceLevel.L2: 2, AssuranceLevel.L3: 3}


class User(AbstractUser):
    """A login account. Persons sign in with their ID number or phone, staff with `username`.

    `public_id` is the OIDC subject (`sub`); the integer pk never leaves the platform.
    """

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    user_type = models.CharField(_("user type"), max_length=10, choices=UserType.choices)
    display_name = models.CharField(_("name"), max_length=100, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, null=True, blank=True, unique=True)
    assurance_level = models.CharField(
        _("assurance level"),
        max_length=2,
        choices=AssuranceLevel.choices,
        default=AssuranceLevel.L1,
    )
    failed_logins = models.PositiveIntegerField(_("failed logins in a row"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    totp_secret = models.CharField(_("TOTP secret"), max_length=64, blank=True)
    totp_confirmed_at = models.DateTimeField(_("TOTP confirmed at"), null=True, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self):
        return self.display_name or self.username

    def is_locked(self, now=None) -> bool:
        return bool(self.locked_until and self.locked_until > (now or timezone.now()))

    def has_level(self, level: str) -> bool:
        return ASSURANCE_ORDER[self.assurance_level] >= ASSURANCE_ORDER[level]

    @property
    def is_staff_member(self) -> bool:
        return self.user_type == UserType.STAFF


class Person(models.Model):
    """A natural person known to the platform, usually with an account."""

    user = models.OneToOneField(
        User,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    id_number = models.CharField(_("citizen ID number"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("address region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    verified_at = models.DateTimeField(_("real-name verified at"), null=True, blank=True)
    verified_in_person_at = models.DateTimeField(_("verified in person at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("natural person")
        verbose_name_plural = _("natural persons")

    def __str__(self):
        return self.name


class LegalPerson(models.Model):
    """A legal person (company, public institution, social organisation, individual business)."""

    user = models.OneToOneField(
        User,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="legal_person",
    )
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    entity_type = models.CharField(_("type"), max_length=50)
    legal_representative = models.ForeignKey(
        Person,
        verbose_name=_("legal representative"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    legal_representative_name = models.CharField(_("legal representative's name"), max_length=50)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("legal person")
        verbose_name_plural = _("legal persons")

    def __str__(self):
        return self.name


class RepresentationKind(models.TextChoices):
    REPRESENTATIVE = "representative", _("Legal representative")
    AGENT = "agent", _("Authorised agent (授权代办)")


class Representation(models.Model):
    """A person's standing to act for a legal person, and whether as its representative or as
    an agent the representative authorised."""

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="representations",
        db_index=False,
    )
    legal_person = models.ForeignKey(
        LegalPerson,
        verbose_name=_("legal person"),
        on_delete=models.PROTECT,
        related_name="representations",
    )
    kind = models.CharField(_("as"), max_length=20, choices=RepresentationKind.choices)
    scope = models.CharField(_("scope of authorisation"), max_length=200, blank=True)
    granted_by = models.ForeignKey(
        User,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("representation")
        verbose_name_plural = _("representations")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "legal_person"],
                condition=Q(revoked_at__isnull=True),
                name="representation_one_active_per_pair",
            )
        ]

    def __str__(self):
        return f"{self.person} → {self.legal_person} ({self.get_kind_display()})"


class StaffRole(models.TextChoices):
    WINDOW_CLERK = "window_clerk", _("Window clerk")
    REVIEWER = "reviewer", _("Reviewer")
    DEPARTMENT_HEAD = "department_head", _("Department head")
    GRID_WORKER = "grid_worker", _("Grid worker")
    DATA_OFFICER = "data_officer", _("Data officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    FINANCE_OFFICER = "finance_officer", _("Finance officer")  # 财政非税收入: reconciles payments
    ARCHIVIST = "archivist", _("Archivist")  # 档案管理员: the department's e-archive
    ADMINISTRATOR = "administrator", _("Administrator")


class Staff(models.Model):
    """A civil servant's membership of a department, with the roles they hold there."""

    user = models.OneToOneField(
        User, verbose_name=_("account"), on_delete=models.CASCADE, related_name="staff"
    )
    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="staff",
    )
    employee_number = models.CharField(_("employee number"), max_length=32, blank=True)
    title = models.CharField(_("title"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self):
        return f"{self.user} ({self.department})"

    def role_set(self) -> set[str]:
        return {assignment.role for assignment in self.role_assignments.all()}


class StaffRoleAssignment(models.Model):
    staff = models.ForeignKey(
        Staff,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
        db_index=False,
    )
    role = models.CharField(_("role"), max_length=20, choices=StaffRole.choices)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [models.UniqueConstraint(fields=["staff", "role"], name="staff_role_unique")]

    def __str__(self):
        return self.get_role_display()


class DepartmentGrant(models.Model):
    """Lets a staff member see another department's work (e.g. a joint review), until revoked."""

    staff = models.ForeignKey(
        Staff, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="grants"
    )
    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=200)
    granted_by = models.ForeignKey(
        User, verbose_name=_("granted by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("department grant")
        verbose_name_plural = _("department grants")

    def __str__(self):
        return f"{self.staff} → {self.department}"
