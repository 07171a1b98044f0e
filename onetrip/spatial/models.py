"""The spatial registry (自然资源和空间地理信息库): grids (网格, the smallest governance area,
drawn as GeoJSON polygons) and places (named points such as halls, schools or toilets).

Regions themselves live in onetrip.regions; a grid belongs to a town (street) or a village
(community). Geometry is kept as GeoJSON in a JSON column and handled with shapely, so the
registry runs on SQLite and PostgreSQL alike (no PostGIS needed).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Grid(models.Model):
    """One governance grid: a GeoJSON Polygon (lon/lat, WGS 84) inside a town or village."""

    code = models.CharField(_("grid code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="grids",
    )
    geometry = models.JSONField(_("geometry (GeoJSON Polygon)"))
    # The grid worker (网格员) is an account, which lives in a higher layer; the username is
    # kept as text until grassroots governance assigns workers properly.
    worker_username = models.CharField(_("grid worker's username"), max_length=150, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class PlaceKind(models.TextChoices):
    HALL = "hall", _("Service hall")
    SCHOOL = "school", _("School")
    HOSPITAL = "hospital", _("Medical institution")
    TOILET = "toilet", _("Public toilet")
    PARKING = "parking", _("Car park")
    BUS_STOP = "bus_stop", _("Bus stop")
    VENUE = "venue", _("Cultural venue")
    SCENIC = "scenic", _("Scenic area")
    OTHER = "other", _("Other")


class Place(models.Model):
    """A named point (lon/lat, WGS 84); its grid is found by `grid_for_point` when saved."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=12, choices=PlaceKind.choices, default=PlaceKind.OTHER
    )
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    grid = models.ForeignKey(
        Grid,
        verbose_name=_("grid"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="places",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["name", "kind"], name="spatial_place_unique_name")
        ]

    def __str__(self):
        return self.name
