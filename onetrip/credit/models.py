"""Credit grades (信用分级) of persons and legal persons: the minimal part of public credit that
tolerated-missing intake (容缺受理) needs.

Each row is one grade given at one moment; the newest row of a subject is its grade, older rows
are its history. Until the data platform derives grades from credit records, a supervisor or
data officer sets them by hand (`source = manual`). A subject without any row has grade B.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SubjectType(models.TextChoices):
    PERSON = "person", _("Natural person")
    LEGAL = "legal", _("Legal person")


class Grade(models.TextChoices):
    A = "A", _("A (trustworthy)")  # 守信
    B = "B", _("B (normal)")  # 一般
    C = "C", _("C (watch)")  # 关注
    D = "D", _("D (untrustworthy)")  # 失信


class GradeSource(models.TextChoices):
    MANUAL = "manual", _("Set by hand")
    DERIVED = "derived", _("Derived from credit records")


DEFAULT_GRADE = Grade.B


class CreditGrade(models.Model):
    """One grade of one subject (citizen ID number or unified social credit code)."""

    subject_type = models.CharField(_("subject type"), max_length=10, choices=SubjectType.choices)
    subject_id = models.CharField(_("subject ID"), max_length=18)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices)
    source = models.CharField(
        _("source"), max_length=10, choices=GradeSource.choices, default=GradeSource.MANUAL
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=300)
    set_at = models.DateTimeField(_("set at"), default=timezone.now)

    class Meta:
        verbose_name = _("credit grade")
        verbose_name_plural = _("credit grades")
        ordering = ["-set_at", "-id"]
        indexes = [
            models.Index(
                fields=["subject_type", "subject_id", "-set_at"], name="creditgrade_subject_idx"
            )
        ]

    def __str__(self):
        return f"{self.subject_type}:{self.subject_id} {self.grade}"


class RecordKind(models.TextChoices):
    GOOD = "good", _("Good conduct")  # 守信
    BAD = "bad", _("Bad conduct")  # 失信


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")  # 一般失信
    SERIOUS = "serious", _("Serious")  # 较重失信
    GRAVE = "grave", _("Grave")  # 严重失信


class CreditRecord(models.Model):
    """One record of good or bad conduct of a person or legal person, from a department's
    decision (an award, a penalty, an unpaid judgment...). It counts while valid:
    from `decided_on` to `valid_until` (open-ended when empty)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject_type = models.CharField(_("subject type"), max_length=10, choices=SubjectType.choices)
    subject_id = models.CharField(_("subject ID"), max_length=18)
    subject_name = models.CharField(_("subject name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=4, choices=RecordKind.choices)
    category = models.CharField(_("category"), max_length=100)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, blank=True)
    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("source department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_on = models.DateField(_("decided on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # 异议标注: the subject has objected to the record and the source department is checking it.
    under_objection = models.BooleanField(_("under objection"), default=False)
    # Withdrawn by the source department (an objection upheld, a decision annulled): it no
    # longer counts, and is kept as history.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("reason for withdrawal"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")
        ordering = ["-decided_on", "-id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="creditrecord_subject_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="bad") & ~models.Q(severity=""))
                | (models.Q(kind="good") & models.Q(severity="")),
                name="creditrecord_severity_for_bad_only",
            )
        ]

    def __str__(self):
        return f"{self.subject_id} {self.kind} {self.category}"


class ListType(models.TextChoices):
    RED = "red", _("Red list (trustworthy)")  # 红名单
    BLACK = "black", _("Black list (untrustworthy)")  # 黑名单


class CreditListEntry(models.Model):
    """A subject on the red or black list, from `listed_on` until `until` (open-ended when
    empty) or until removed (`removed_at`, kept for history)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    list_type = models.CharField(_("list"), max_length=5, choices=ListType.choices)
    subject_type = models.CharField(_("subject type"), max_length=10, choices=SubjectType.choices)
    subject_id = models.CharField(_("subject ID"), max_length=18)
    subject_name = models.CharField(_("subject name"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("source department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    listed_on = models.DateField(_("listed on"))
    until = models.DateField(_("until"), null=True, blank=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_reason = models.CharField(_("reason for removal"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("credit list entry")
        verbose_name_plural = _("credit list entries")
        ordering = ["-listed_on", "-id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="creditlist_subject_idx")
        ]

    def __str__(self):
        return f"{self.list_type}:{self.subject_id}"
