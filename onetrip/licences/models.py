"""E-licences (电子证照): licence types, issued licences and share links."""

import datetime
import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class HolderType(models.TextChoices):
    PERSON = "person", _("Natural person")
    LEGAL = "legal", _("Legal person")


class LicenceStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


class LicenceType(models.Model):
    """A kind of licence a department issues (营业执照, 食品经营许可证...).

    `code` is the short code matters refer to (`Matter.licence_type_code`, e.g. YYZZ);
    `identifier_code` is the 证照类型代码 written into the national identifier; `issuer_code` is
    the unified social credit code of the issuing department (departments carry no USCC)."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100)
    identifier_code = models.CharField(
        _("licence type code (GB/T 36904)"),
        max_length=40,
        help_text=_("Letters and digits only, e.g. the defining authority's USCC + 3 digits."),
    )
    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("issuing department"),
        on_delete=models.PROTECT,
        related_name="licence_types",
    )
    issuer_code = models.CharField(_("issuer code (USCC of the issuing department)"), max_length=18)
    fields_schema = models.JSONField(
        _("fields"),
        default=list,
        blank=True,
        help_text=_('The fields shown on the licence: [{"name": ..., "label": ...}, ...].'),
    )
    validity_months = models.PositiveSmallIntegerField(
        _("validity in months"),
        null=True,
        blank=True,
        help_text=_("Empty: valid without a time limit (长期)."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("licence type")
        verbose_name_plural = _("licence types")
        ordering = ["code"]

    def __str__(self):
        return self.name


def licence_status(
    *, revoked: bool, valid_until: datetime.date | None, today: datetime.date | None = None
) -> str:
    if revoked:
        return LicenceStatus.REVOKED
    today = today or timezone.localdate()
    if valid_until is not None and valid_until < today:
        return LicenceStatus.EXPIRED
    return LicenceStatus.VALID


class Licence(models.Model):
    """One issued e-licence. `payload` holds the exact bytes the department's key signed
    (canonical JSON); everything a verifier needs is in it, the signature, `alg` and `key_id`."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("licence identifier"), max_length=160, unique=True)
    licence_type = models.ForeignKey(
        LicenceType,
        verbose_name=_("licence type"),
        on_delete=models.PROTECT,
        related_name="licences",
    )
    holder_type = models.CharField(_("holder type"), max_length=10, choices=HolderType.choices)
    holder_id = models.CharField(_("holder's ID number or USCC"), max_length=18)
    holder_name = models.CharField(_("holder's name"), max_length=200)
    fields = models.JSONField(_("fields"), default=dict, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("issuing department"),
        on_delete=models.PROTECT,
        related_name="licences",
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    source = models.CharField(_("source (case number)"), max_length=64, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revocation"), max_length=500, blank=True)
    payload = models.BinaryField(_("signed payload"))
    signature = models.BinaryField(_("signature"))
    alg = models.CharField(_("signature algorithm"), max_length=16)
    key_id = models.CharField(_("key id"), max_length=64)

    class Meta:
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["holder_type", "holder_id"], name="licence_holder")]

    def __str__(self):
        return self.number

    def status(self, today: datetime.date | None = None) -> str:
        return licence_status(
            revoked=self.revoked_at is not None, valid_until=self.valid_until, today=today
        )

    @property
    def current_status(self) -> str:
        return self.status()

    def get_status_display(self) -> str:
        return LicenceStatus(self.status()).label

    def field_rows(self) -> list[tuple[str, object]]:
        """(label, value) in the order of the type's schema."""
        labels = {
            item["name"]: item.get("label") or item["name"]
            for item in self.licence_type.fields_schema
        }
        return [(labels.get(name, name), value) for name, value in self.fields.items()]


class LicenceShare(models.Model):
    """A link the holder made to show a licence to someone, read-only, until it expires.
    Only the SHA-256 of the token is stored."""

    licence = models.ForeignKey(
        Licence, verbose_name=_("licence"), on_delete=models.CASCADE, related_name="shares"
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("licence share link")
        verbose_name_plural = _("licence share links")

    def __str__(self):
        return f"{self.licence} → {self.expires_at:%Y-%m-%d %H:%M}"
