"""The data sharing exchange (数据共享交换): departments' systems (clients) call each other's
datasets under grants (which fields, which in clear text, why, until when), with rate limits,
daily quotas and an audit entry per call. Also the applicant's consent and the materials pulled
for ID-only handling (一证通办)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings

# The platform's own exchange client, which pulls materials for ID-only handling (一证通办).
PLATFORM_CLIENT_NAME = "onetrip-platform"


class ExchangeClient(models.Model):
    """One system of a department, signing in with OAuth2 client credentials. The platform's
    own client (ID-only handling) has no OAuth2 application: it never calls over HTTP."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL,
        verbose_name=_("OAuth2 client"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="exchange_client",
    )
    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="exchange_clients",
        db_index=False,
    )
    name = models.CharField(_("system name"), max_length=100)
    is_platform = models.BooleanField(_("the platform's own client"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("exchange client")
        verbose_name_plural = _("exchange clients")
        ordering = ["department", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "name"], name="exchange_client_unique_name"
            )
        ]

    def __str__(self):
        return f"{self.department.name} · {self.name}"

    @property
    def client_id(self) -> str:
        return self.application.client_id if self.application_id else ""


class GrantStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    REVOKED = "revoked", _("Revoked")


class Grant(models.Model):
    """A client's right to read some fields of one dataset, for a purpose, until a time."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        ExchangeClient,
        verbose_name=_("client"),
        on_delete=models.CASCADE,
        related_name="grants",
        db_index=False,
    )
    dataset = models.ForeignKey(
        "datasets.Dataset",
        verbose_name=_("dataset"),
        on_delete=models.CASCADE,
        related_name="exchange_grants",
        db_index=False,
    )
    fields = models.JSONField(_("fields"), default=list)
    clear_fields = models.JSONField(_("fields in clear text"), default=list, blank=True)
    purpose = models.CharField(_("purpose"), max_length=300)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    days = models.PositiveIntegerField(_("duration in days"), default=365)
    status = models.CharField(
        _("status"), max_length=10, choices=GrantStatus.choices, default=GrantStatus.PENDING
    )
    rate_per_minute = models.PositiveIntegerField(_("requests per minute"), default=600)
    daily_quota = models.PositiveIntegerField(_("requests per day"), default=100000)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.CharField(_("reason"), max_length=500, blank=True)
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("exchange grant")
        verbose_name_plural = _("exchange grants")
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["client", "dataset", "status"], name="exchange_grant_lookup"),
            models.Index(fields=["dataset", "status"], name="exchange_grant_owner"),
        ]

    def __str__(self):
        return f"{self.client} → {self.dataset.code}"

    def is_live(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.status == GrantStatus.APPROVED
            and self.valid_until is not None
            and self.valid_until > now
        )


class ExchangeCallStat(models.Model):
    """Calls under one grant on one day: the daily quota and the owners' usage page read it.
    Incremented with F() in the call's transaction; one small row per grant and day."""

    grant = models.ForeignKey(
        Grant,
        verbose_name=_("grant"),
        on_delete=models.CASCADE,
        related_name="call_stats",
        db_index=False,
    )
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("calls"), default=0)

    class Meta:
        verbose_name = _("exchange call count")
        verbose_name_plural = _("exchange call counts")
        constraints = [
            models.UniqueConstraint(fields=["grant", "day"], name="exchange_stat_unique_day")
        ]

    def __str__(self):
        return f"{self.grant_id} {self.day}: {self.count}"


class Consent(models.Model):
    """A person's consent (PIPL) to have materials pulled from shared data for one case."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("given by"),
        on_delete=models.PROTECT,
        related_name="exchange_consents",
    )
    subject_type = models.CharField(_("subject type"), max_length=10)
    subject_id = models.CharField(_("subject id"), max_length=64)
    purpose = models.CharField(_("purpose"), max_length=300)
    case_number = models.CharField(_("case number"), max_length=64, db_index=True)
    materials = models.JSONField(_("materials"), default=list)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at", "-id"]

    def __str__(self):
        return f"{self.case_number} {self.purpose}"


class PullStatus(models.TextChoices):
    PULLED = "pulled", _("Pulled")
    UNAVAILABLE = "unavailable", _("Not available in shared data")


class PulledMaterial(models.Model):
    """A material of a case taken from shared data or an e-licence instead of an upload."""

    case_number = models.CharField(_("case number"), max_length=64)
    matter_material_id = models.PositiveIntegerField(_("material"))
    name = models.CharField(_("material name"), max_length=200)
    source = models.CharField(_("source"), max_length=10)
    source_ref = models.CharField(_("source reference"), max_length=100)
    status = models.CharField(_("status"), max_length=12, choices=PullStatus.choices)
    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("handling department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject_id = models.CharField(_("subject id"), max_length=64)
    licence_number = models.CharField(_("licence identifier"), max_length=160, blank=True)
    snapshot = models.JSONField(_("data pulled"), default=dict, blank=True)
    consent = models.ForeignKey(
        Consent, verbose_name=_("consent"), on_delete=models.PROTECT, related_name="pulled"
    )
    pulled_at = models.DateTimeField(_("pulled at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("pulled material")
        verbose_name_plural = _("pulled materials")
        ordering = ["case_number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case_number", "matter_material_id"], name="exchange_pulled_once"
            )
        ]

    def __str__(self):
        return f"{self.case_number}: {self.name}"
