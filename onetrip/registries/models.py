from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class PopulationRecord(models.Model):
    """A row of the population registry (人口综合库), kept by the public-security side.

    Real-name verification (L2) checks an applicant's ID number, name and phone against it.
    """

    id_number = models.CharField(_("citizen ID number"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    household_region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("household region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("population record")
        verbose_name_plural = _("population records")

    def __str__(self):
        return self.name


class EntityStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    REVOKED = "revoked", _("Licence revoked")
    CANCELLED = "cancelled", _("Deregistered")


class EntityRecord(models.Model):
    """A row of the legal-entity registry (法人综合库)."""

    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    entity_type = models.CharField(_("entity type"), max_length=50)
    legal_representative = models.CharField(_("legal representative"), max_length=50)
    legal_representative_id_number = models.CharField(
        _("legal representative's ID number"), max_length=18, blank=True
    )
    registered_capital = models.DecimalField(
        _("registered capital (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=EntityStatus.choices, default=EntityStatus.ACTIVE
    )
    established_on = models.DateField(_("established on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("legal-entity record")
        verbose_name_plural = _("legal-entity records")

    def __str__(self):
        return self.name
