"""Credit grades (信用分级) of persons and legal persons: the minimal part of public credit that
tolerated-missing intake (容缺受理) needs.

Each row is one grade given at one moment; the newest row of a subject is its grade, older rows
are its history. Until the data platform derives grades from credit records, a supervisor or
data officer sets them by hand (`source = manual`). A subject without any row has grade B.
"""

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
