"""Statistics are computed from cases by aggregate queries; the only table here is a calendar
that lets the database count working days itself."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkdayOrdinal(models.Model):
    """The working-day number of a day: the working days from the calendar's first day up to
    and including `day` (onetrip.workdays rules). The working days d with a < d <= b are
    ordinal(b) - ordinal(a), so average handling days are one SQL aggregate. Derived data,
    refreshed by services.calendar_ensure whenever the working-day rules say otherwise."""

    day = models.DateField(_("day"), unique=True)
    ordinal = models.PositiveIntegerField(_("working-day number"))

    class Meta:
        verbose_name = _("working-day number")
        verbose_name_plural = _("working-day numbers")
        ordering = ["day"]

    def __str__(self):
        return f"{self.day}: {self.ordinal}"
