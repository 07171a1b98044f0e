"""GeoJSON polygons checked with shapely: a grid's shape must be a valid, closed polygon of
longitude/latitude pairs. Overlaps with other grids are warnings, not errors (boundaries drawn
by hand often touch or overlap a little; the map team fixes them later)."""

from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.validation import explain_validity

from onetrip.core.errors import DomainError


def _invalid(message, **detail):
    return DomainError("spatial.invalid_geometry", message, detail=detail or None)


def polygon_clean(geometry) -> dict:
    """The GeoJSON Polygon as given, if it is one; raises DomainError saying what is wrong."""
    if not isinstance(geometry, dict) or geometry.get("type") != "Polygon":
        raise _invalid(_("The geometry must be a GeoJSON Polygon."))
    rings = geometry.get("coordinates")
    if not isinstance(rings, list) or not rings:
        raise _invalid(_("The polygon has no coordinates."))
    for index, ring in enumerate(rings):
        if not isinstance(ring, list) or len(ring) < 4:
            raise _invalid(_("Each ring needs at least four positions."), ring=index)
        for position in ring:
            if (
                not isinstance(position, list | tuple)
                or len(position) < 2
                or not all(isinstance(v, int | float) for v in position[:2])
            ):
                raise _invalid(_("Each position must be [longitude, latitude]."), ring=index)
            lon, lat = position[:2]
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                raise _invalid(_("A position lies outside longitude/latitude range."), ring=index)
        if list(ring[0][:2]) != list(ring[-1][:2]):
            raise _invalid(
                _("The ring is not closed: its last position must repeat the first."), ring=index
            )
    polygon = shape(geometry)
    if not polygon.is_valid:
        raise _invalid(
            _("The polygon is not valid: %(reason)s") % {"reason": explain_validity(polygon)}
        )
    if polygon.area == 0:
        raise _invalid(_("The polygon has no area."))
    return {"type": "Polygon", "coordinates": [[list(p[:2]) for p in r] for r in rings]}


def overlaps(geometry: dict, others: dict[str, dict]) -> list[str]:
    """Codes of the other grids whose area overlaps this one (touching edges do not count)."""
    polygon = shape(geometry)
    return sorted(
        code for code, other in others.items() if polygon.intersection(shape(other)).area > 1e-12
    )
