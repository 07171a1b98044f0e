"""Writes to the spatial registry. Loaders run with a text actor ("demo loader"); people need
the 'spatial.edit' permission (data officers). Every write is audited."""

import json
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from onetrip.core import audit
from onetrip.core.errors import DomainError, PermissionDenied
from onetrip.core.permissions import has_permission
from onetrip.regions.models import Region, full_code

from . import selectors
from .geometry import overlaps, polygon_clean
from .models import Grid, Place, PlaceKind

PERMISSION = "spatial.edit"


def _require(actor) -> None:
    if isinstance(actor, str) and actor:
        return
    if not has_permission(actor, PERMISSION):
        raise PermissionDenied(
            "spatial.permission_denied", _("You do not have permission to do this.")
        )


def _region(code: str) -> Region:
    region = Region.objects.filter(code=full_code(str(code or ""))).first()
    if region is None or region.level not in ("town", "village"):
        raise DomainError(
            "spatial.region_unknown",
            _("A grid must lie in a known town (street) or village (community)."),
            detail={"region": code},
        )
    return region


@transaction.atomic
def grid_save(
    *,
    actor,
    code: str,
    name: str,
    region_code: str,
    geometry: dict,
    worker_username: str = "",
) -> tuple[Grid, list[str]]:
    """Creates or updates a grid by code. Returns the grid and warnings: the codes of other
    grids it overlaps (saved anyway; boundaries are fixed by the map team)."""
    _require(actor)
    code, name = str(code or "").strip(), str(name or "").strip()
    if not code or not name:
        raise DomainError("spatial.invalid_grid", _("A grid needs a code and a name."))
    region = _region(region_code)
    clean = polygon_clean(geometry)
    others = dict(Grid.objects.exclude(code=code).values_list("code", "geometry"))
    warnings = overlaps(clean, others)
    grid, created = Grid.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "region": region,
            "geometry": clean,
            "worker_username": worker_username or "",
        },
    )
    audit.record(
        actor=actor,
        action=f"spatial.grid.{'create' if created else 'update'}",
        target=grid,
        target_id=grid.code,
        detail={"overlaps": warnings},
    )
    transaction.on_commit(selectors.grid_cache_clear)
    return grid, warnings


@transaction.atomic
def place_save(
    *, actor, name: str, kind: str, lon: float, lat: float, region_code: str = ""
) -> Place:
    """Creates or updates a place by (name, kind); its grid is looked up from the point."""
    _require(actor)
    name = str(name or "").strip()
    if not name or kind not in PlaceKind.values:
        raise DomainError("spatial.invalid_place", _("A place needs a name and a known kind."))
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError):
        raise DomainError(
            "spatial.invalid_place", _("Longitude and latitude must be numbers.")
        ) from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise DomainError("spatial.invalid_place", _("The point lies outside the world."))
    grid_code = selectors.grid_for_point(lon, lat, fresh=True)
    grid = Grid.objects.filter(code=grid_code).first() if grid_code else None
    region = (
        Region.objects.filter(code=full_code(region_code)).first()
        if region_code
        else (grid.region if grid else None)
    )
    place, created = Place.objects.update_or_create(
        name=name,
        kind=kind,
        defaults={"lon": lon, "lat": lat, "grid": grid, "region": region},
    )
    audit.record(
        actor=actor,
        action=f"spatial.place.{'create' if created else 'update'}",
        target=place,
        detail={"grid": grid_code or ""},
    )
    return place


def grids_load(*, path: Path | str, actor) -> dict:
    """Loads a GeoJSON FeatureCollection: Polygon features are grids (properties code, name,
    region, worker_username), Point features are places (properties name, kind). Idempotent."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.get("type") != "FeatureCollection":
        raise DomainError("spatial.not_geojson", _("The file is not a GeoJSON FeatureCollection."))
    counts = {"grids": 0, "places": 0, "warnings": []}
    with transaction.atomic():
        features = data.get("features", [])
        for feature in features:
            props, geometry = feature.get("properties") or {}, feature.get("geometry") or {}
            if geometry.get("type") == "Polygon":
                _grid, warnings = grid_save(
                    actor=actor,
                    code=props.get("code"),
                    name=props.get("name"),
                    region_code=props.get("region"),
                    geometry=geometry,
                    worker_username=props.get("worker_username", ""),
                )
                counts["grids"] += 1
                counts["warnings"] += [f"{props.get('code')}∩{w}" for w in warnings]
        for feature in features:  # after every grid, so each place finds its grid
            props, geometry = feature.get("properties") or {}, feature.get("geometry") or {}
            if geometry.get("type") == "Point":
                lon, lat = geometry["coordinates"][:2]
                place_save(
                    actor=actor,
                    name=props.get("name"),
                    kind=props.get("kind", PlaceKind.OTHER),
                    lon=lon,
                    lat=lat,
                    region_code=props.get("region", ""),
                )
                counts["places"] += 1
    return counts
