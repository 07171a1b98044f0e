"""Reads of the spatial registry.

`grid_for_point(lon, lat)` answers which grid a point lies in. The grids' polygons are turned
into prepared shapely geometries once per process and kept until the grid table changes (a
cheap count/max(updated_at) stamp is compared on each call; a save in this process clears the
cache at once). A point on a grid's edge belongs to it (`covers`); on an edge shared by two
grids it belongs to the one with the lowest code, so the answer is always the same.
"""

import threading

from django.db.models import Count, Max
from shapely import Point
from shapely.geometry import shape
from shapely.prepared import prep

from .models import Grid, Place

_lock = threading.Lock()
_cache: dict = {"stamp": None, "grids": []}


def grid_cache_clear() -> None:
    with _lock:
        _cache["stamp"], _cache["grids"] = None, []


def _stamp():
    row = Grid.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    return row["n"], row["at"]


def _prepared(fresh: bool = False) -> list:
    stamp = _stamp()
    with _lock:
        if fresh or _cache["stamp"] != stamp:
            grids = []
            for code, geometry in Grid.objects.order_by("code").values_list("code", "geometry"):
                polygon = shape(geometry)
                grids.append((code, prep(polygon), polygon.bounds))
            _cache["stamp"], _cache["grids"] = stamp, grids
        return _cache["grids"]


def grid_for_point(lon: float, lat: float, *, fresh: bool = False) -> str | None:
    """The code of the grid covering (lon, lat), or None outside every grid."""
    point = Point(float(lon), float(lat))
    for code, prepared, (minx, miny, maxx, maxy) in _prepared(fresh):
        if minx <= point.x <= maxx and miny <= point.y <= maxy and prepared.covers(point):
            return code
    return None


def grid_list(*, region_code: str = ""):
    grids = Grid.objects.select_related("region").order_by("code")
    if region_code:
        grids = grids.filter(region__code__startswith=region_code)
    return grids


def place_list(*, grid_code: str = ""):
    places = Place.objects.select_related("grid", "region")
    return places.filter(grid__code=grid_code) if grid_code else places


def grids_geojson(*, region_code: str = "") -> dict:
    """Every grid as a GeoJSON FeatureCollection (RFC 7946)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": grid.code,
                "geometry": grid.geometry,
                "properties": {
                    "code": grid.code,
                    "name": grid.name,
                    "region": grid.region.code,
                    "region_name": grid.region.name,
                    "worker_username": grid.worker_username,
                },
            }
            for grid in grid_list(region_code=region_code)
        ],
    }
