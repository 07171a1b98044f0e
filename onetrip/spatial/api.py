"""GET /api/v1/spatial/grids.geojson: every grid as GeoJSON, for signed-in staff."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Router
from ninja.security import django_auth

from onetrip.core.errors import PermissionDenied

from . import selectors

router = Router(tags=["spatial"], auth=django_auth)


@router.get("spatial/grids.geojson", response={200: dict})
def grids_geojson(request, region: str = ""):
    """The grids (optionally of one region code prefix, e.g. 330424001) as a FeatureCollection."""
    if getattr(request.user, "user_type", "") != "staff" and not request.user.is_superuser:
        raise PermissionDenied("spatial.staff_only", _("Only staff may read the grid map."))
    body = json.dumps(
        selectors.grids_geojson(region_code=region[:12]), ensure_ascii=False, cls=DjangoJSONEncoder
    )
    return HttpResponse(body, content_type="application/geo+json; charset=utf-8")
