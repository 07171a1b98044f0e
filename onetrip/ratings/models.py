"""Service ratings (好差评): the applicant rates each finished case once, on five levels, and a
bad rating (1 or 2) opens a follow-up that the implementing department's head answers with a
rectification note (整改) within a deadline; the applicant is told and may confirm."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RatingLevel(models.IntegerChoices):
    VERY_SATISFIED = 5, _("Very satisfied")  # 非常满意
    SATISFIED = 4, _("Satisfied")  # 满意
    FAIRLY_SATISFIED = 3, _("Fairly satisfied")  # 基本满意
    DISSATISFIED = 2, _("Dissatisfied")  # 不满意
    VERY_DISSATISFIED = 1, _("Very dissatisfied")  # 非常不满意


# Levels that count as a bad rating (差评): a comment is required and a follow-up opens.
BAD_LEVELS = (RatingLevel.DISSATISFIED, RatingLevel.VERY_DISSATISFIED)
# Levels that count as satisfied in the statistics.
SATISFIED_MIN = RatingLevel.SATISFIED


class Rating(models.Model):
    """One rating of one case (one-to-one: a case is rated once)."""

    application = models.OneToOneField(
        "cases.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="rating",
    )
    level = models.PositiveSmallIntegerField(_("rating"), choices=RatingLevel.choices)
    comment = models.TextField(_("comment"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    rated_at = models.DateTimeField(_("rated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("service rating")
        verbose_name_plural = _("service ratings")
        ordering = ["-rated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="rating_level_1_to_5"
            )
        ]

    def __str__(self):
        return f"{self.application_id}: {self.level}"

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Awaiting answer")  # 待整改
    ANSWERED = "answered", _("Answered")  # 已整改反馈
    CONFIRMED = "confirmed", _("Confirmed by the applicant")  # 群众已确认


class RatingFollowUp(models.Model):
    """The follow-up of a bad rating (差评整改): the implementing department's head answers by
    `due_on` with what was put right; the applicant is notified and may confirm."""

    rating = models.OneToOneField(
        Rating, verbose_name=_("rating"), on_delete=models.PROTECT, related_name="follow_up"
    )
    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("implementing department"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    due_on = models.DateField(_("answer by"))
    answer = models.TextField(_("rectification note"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirm_note = models.TextField(_("applicant's note"), blank=True)

    class Meta:
        verbose_name = _("rating follow-up")
        verbose_name_plural = _("rating follow-ups")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["department", "status", "due_on"], name="followup_dept_status_idx")
        ]

    def __str__(self):
        return f"{self.rating_id} {self.status}"
