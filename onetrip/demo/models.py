"""What the demo loader keeps about its own rows. DEMO DATA only."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoSample(models.Model):
    """Marks a case as a sample application made by the demo loader (DEMO DATA: invented
    applicants, back-dated history) and keys it, so that loading the demo again adds nothing
    twice. Nothing outside the demo app reads it."""

    key = models.CharField(_("sample key"), max_length=20, unique=True)
    application = models.OneToOneField(
        "cases.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    outcome = models.CharField(_("planned outcome"), max_length=30)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("demo sample application")
        verbose_name_plural = _("demo sample applications")
        ordering = ["key"]

    def __str__(self):
        return f"{self.key}: {self.outcome}"
