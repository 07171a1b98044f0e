from django.db import models
from django.utils.translation import gettext_lazy as _


class Department(models.Model):
    """A government department (or a unit inside one) of a region, as a tree."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="departments",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self):
        return self.name


class ServiceHall(models.Model):
    """A place where the public is served (行政服务中心, a town's 便民服务中心...)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT)
    address = models.CharField(_("address"), max_length=200)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("service hall")
        verbose_name_plural = _("service halls")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Window(models.Model):
    """A counter in a hall. A general window (综合窗口) takes every department's matters
    (one-window intake); a department window serves its own."""

    hall = models.ForeignKey(
        ServiceHall,
        verbose_name=_("service hall"),
        on_delete=models.CASCADE,
        related_name="windows",
        db_index=False,
    )
    number = models.CharField(_("window number"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    is_general = models.BooleanField(_("general window (one-window intake)"), default=False)
    departments = models.ManyToManyField(
        Department,
        verbose_name=_("departments served"),
        blank=True,
        related_name="windows",
    )

    class Meta:
        verbose_name = _("window")
        verbose_name_plural = _("windows")
        ordering = ["hall", "number"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "number"], name="window_unique_number_in_hall")
        ]

    def __str__(self):
        return f"{self.hall.name} {self.number} {self.name}"
