from django.db import models
from django.utils.translation import gettext_lazy as _


class OtpPurpose(models.TextChoices):
    LOGIN = "login", _("Sign in")
    REGISTER = "register", _("Register")
    COUNTER = "counter", _("Registration at a service hall's window")


class OneTimeCode(models.Model):
    """A 6-digit code sent to a phone. Only its hash is kept; it expires and allows few tries.

    Stored in the database (not a per-process cache) so every gunicorn worker sees it.
    """

    phone = models.CharField(_("mobile phone"), max_length=20)
    purpose = models.CharField(_("purpose"), max_length=20, choices=OtpPurpose.choices)
    code_hash = models.CharField(_("code hash"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        indexes = [models.Index(fields=["phone", "purpose", "-created_at"], name="otp_lookup")]

    def __str__(self):
        return f"{self.phone} {self.purpose}"
