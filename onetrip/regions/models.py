from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWN = "town", _("Town or street")
    VILLAGE = "village", _("Village or community")


class Region(models.Model):
    """An administrative region, coded after GB/T 2260 and its 12-digit statistical extension.

    `code` is always the 12-digit form (海盐县 = 330424000000); `short_code` drops trailing
    zero groups (330424, 330424001, 330424001001).
    """

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def short_code(self) -> str:
        return short_code(self.code)


def short_code(code: str) -> str:
    """330424000000 → 330424; 330424001000 → 330424001; province/city keep six digits."""
    if code[6:] == "000000":
        return code[:6]
    if code[9:] == "000":
        return code[:9]
    return code


def full_code(code: str) -> str:
    return code.ljust(12, "0")
