"""Appointments at a service hall (预约办理): a person books a time at a hall's windows for a
matter handled at the counter, comes with what the guide lists, checks in (签到) and is called
with a priority ticket. Halls take bookings in slots of their working days; a hall's schedule
says its sessions, slot length, capacity and how far ahead one may book."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

DEFAULT_SESSIONS = [["08:30", "12:00"], ["13:30", "17:00"]]


class HallSchedule(models.Model):
    """How a hall takes appointments. A hall without a row uses the defaults (open, the two
    sessions above, 30-minute slots, one booking per general window and slot, 5 working days
    ahead)."""

    hall = models.OneToOneField(
        "departments.ServiceHall",
        verbose_name=_("service hall"),
        on_delete=models.CASCADE,
        related_name="appointment_schedule",
    )
    is_open = models.BooleanField(_("takes appointments"), default=True)
    sessions = models.JSONField(_("sessions (start, end)"), default=list, blank=True)
    slot_minutes = models.PositiveSmallIntegerField(_("slot length (minutes)"), default=30)
    capacity = models.PositiveSmallIntegerField(
        _("bookings per slot"),
        default=0,
        help_text=_("0: one per general window of the hall."),
    )
    days_ahead = models.PositiveSmallIntegerField(_("working days bookable ahead"), default=5)

    class Meta:
        verbose_name = _("appointment schedule")
        verbose_name_plural = _("appointment schedules")

    def __str__(self):
        return str(self.hall)


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")  # 已预约
    ARRIVED = "arrived", _("Checked in")  # 已签到
    CANCELLED = "cancelled", pgettext_lazy("appointment", "Cancelled")  # 已取消
    NO_SHOW = "no_show", _("Did not come")  # 爽约


ACTIVE_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED)


class Appointment(models.Model):
    number = models.CharField(_("appointment number"), max_length=20, unique=True)
    hall = models.ForeignKey(
        "departments.ServiceHall",
        verbose_name=_("service hall"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # appointment_slot_idx starts with the hall
    )
    matter = models.ForeignKey(
        "catalogue.Matter", verbose_name=_("matter"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="appointments",
        db_index=False,  # appointment_one_a_day starts with the user
    )
    name = models.CharField(_("name"), max_length=50)
    id_number = models.CharField(_("citizen ID number"), max_length=18)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    day = models.DateField(_("day"))
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("to"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.BOOKED,
    )
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    cancelled_by_staff = models.BooleanField(_("cancelled by the hall"), default=False)
    arrived_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    arrived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ticket = models.CharField(_("queue ticket"), max_length=10, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["day", "starts_at", "number"]
        constraints = [
            # One booking a day per person and hall: a slot is not held for someone twice.
            models.UniqueConstraint(
                fields=["user", "day", "hall"],
                condition=Q(status__in=["booked", "arrived"]),
                name="appointment_one_a_day",
            ),
        ]
        indexes = [
            models.Index(fields=["hall", "day", "starts_at"], name="appointment_slot_idx"),
            models.Index(fields=["status", "day"], name="appointment_status_day_idx"),
        ]

    def __str__(self):
        return self.number


class AppointmentSerial(models.Model):
    """The last appointment number and check-in ticket of a day (per hall for tickets), locked
    while one is taken."""

    key = models.CharField(_("key"), max_length=60, unique=True)
    last = models.PositiveIntegerField(_("last"), default=0)

    class Meta:
        verbose_name = _("appointment serial")
        verbose_name_plural = _("appointment serials")

    def __str__(self):
        return f"{self.key}: {self.last}"
