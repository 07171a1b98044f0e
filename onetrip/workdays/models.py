"""Holidays and adjusted workdays (调休) that an administrator enters for a year.

The State Council publishes the next year's holidays each November, often before the
chinese-calendar package knows them. A year entered here replaces the package's data for that
year entirely: its days are the exceptions, every other day follows the weekend rule.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class HolidayYear(models.Model):
    """One year's official holiday arrangement, as an administrator entered it."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    notice = models.CharField(
        _("notice"),
        max_length=200,
        blank=True,
        help_text=_("The State Council notice this arrangement comes from."),
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("holiday year")
        verbose_name_plural = _("holiday years")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)


class HolidayDay(models.Model):
    """A day that differs from the weekend rule: a holiday off, or an adjusted workday on."""

    year = models.ForeignKey(
        HolidayYear, verbose_name=_("year"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(
        _("working day"),
        default=False,
        help_text=_(
            "Ticked for an adjusted workday (a weekend day worked); unticked for a day off."
        ),
    )
    name = models.CharField(_("name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("holiday or adjusted workday")
        verbose_name_plural = _("holidays and adjusted workdays")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date.isoformat()} {self.name}"

    def clean(self):
        try:
            year = self.year  # also set, unsaved, while the admin adds a year with its days
        except HolidayYear.DoesNotExist:
            year = None
        if self.date and year is not None and year.year and self.date.year != year.year:
            raise ValidationError(
                {"date": _("The date must fall in the year %(year)s.") % {"year": self.year.year}}
            )
