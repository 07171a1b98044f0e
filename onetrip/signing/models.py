"""Department signing keys for e-licences (电子证照)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SigningAlgorithm(models.TextChoices):
    ED25519 = "ed25519", _("Ed25519")
    SM2 = "sm2", _("SM2 (GB/T 32918)")


class SigningKey(models.Model):
    """A department's key pair. The newest unretired key signs; every key, retired or not,
    still verifies what it signed. The private key is stored only encrypted (SM4-GCM)."""

    key_id = models.CharField(_("key id"), max_length=64, unique=True)
    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="signing_keys",
        db_index=False,
    )
    algorithm = models.CharField(
        _("algorithm"),
        max_length=16,
        choices=SigningAlgorithm.choices,
        default=SigningAlgorithm.ED25519,
    )
    public_key = models.TextField(
        _("public key"),
        help_text=_("Base64: Ed25519 raw 32 bytes; SM2 uncompressed point 04||X||Y, 65 bytes."),
    )
    private_key_encrypted = models.TextField(_("private key (encrypted)"), editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        ordering = ["department", "-created_at"]
        indexes = [models.Index(fields=["department", "retired_at"], name="signingkey_dept_active")]

    def __str__(self):
        return self.key_id
