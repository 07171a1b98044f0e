from pathlib import Path

import pytest
from django.conf import settings

from onetrip.core.errors import DomainError, PermissionDenied
from onetrip.spatial import selectors, services
from onetrip.spatial.models import Grid, Place

pytestmark = pytest.mark.django_db
DEMO = Path(settings.BASE_DIR) / "data" / "grids" / "330424.geojson"


@pytest.fixture
def regions(db):
    from onetrip.regions.services import regions_load

    regions_load(path=Path(settings.BASE_DIR) / "data" / "regions" / "330424.json", actor="t")


@pytest.fixture
def grids(regions):
    return services.grids_load(path=DEMO, actor="test")


def square(x, y, size=0.01):
    return {
        "type": "Polygon",
        "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]],
    }


def test_demo_grids_load_idempotently(grids):
    assert grids["grids"] == 6 and grids["places"] == 5 and grids["warnings"] == []
    again = services.grids_load(path=DEMO, actor="test")
    assert again["grids"] == 6 and Grid.objects.count() == 6 and Place.objects.count() == 5
    hall = Place.objects.get(name="海盐县行政服务中心")
    assert hall.grid is not None and hall.region == hall.grid.region


@pytest.mark.parametrize(
    ("lon", "lat", "expected"),
    [
        (120.930, 30.520, "330424001001-01"),  # inside the first square
        (120.950, 30.510, "330424001006-01"),  # inside the last square
        (120.925, 30.520, "330424001001-01"),  # on an outer edge: covered
        (120.935, 30.520, "330424001001-01"),  # on an edge shared by two: the lower code
        (120.935, 30.515, "330424001001-01"),  # a corner shared by four
        (120.900, 30.520, None),  # west of every grid
        (120.940, 30.600, None),  # north of every grid
    ],
)
def test_grid_for_point(grids, lon, lat, expected):
    assert selectors.grid_for_point(lon, lat) == expected


def test_cache_follows_changes(grids):
    assert selectors.grid_for_point(121.005, 30.505) is None
    services.grid_save(
        actor="test",
        code="330424001007-01",
        name="向阳社区第一网格",
        region_code="330424001007",
        geometry=square(121.0, 30.5),
    )
    assert selectors.grid_for_point(121.005, 30.505) == "330424001007-01"


def test_invalid_polygons_are_refused_and_overlaps_warned(regions):
    def save(geometry, code="G1"):
        return services.grid_save(
            actor="test", code=code, name="网格", region_code="330424001001", geometry=geometry
        )

    open_ring = square(120.9, 30.5)
    open_ring["coordinates"][0].pop()
    bow_tie = {
        "type": "Polygon",
        "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]],
    }
    for geometry in (open_ring, bow_tie, {"type": "Point", "coordinates": [1, 2]}, "x"):
        with pytest.raises(DomainError) as refused:
            save(geometry)
        assert refused.value.code == "spatial.invalid_geometry"
    with pytest.raises(DomainError):
        services.grid_save(
            actor="test", code="G", name="n", region_code="330424", geometry=square(1, 1)
        )
    assert save(square(120.9, 30.5))[1] == []
    assert save(square(120.91, 30.5), code="G2")[1] == []  # touching only
    assert save(square(120.905, 30.5), code="G3")[1] == ["G1", "G2"]


def test_staff_need_permission_to_edit(regions, staff_factory):
    clerk = staff_factory(roles=("window_clerk",)).user
    with pytest.raises(PermissionDenied):
        services.grid_save(
            actor=clerk, code="G", name="n", region_code="330424001001", geometry=square(1, 1)
        )


def test_geojson_export_for_staff_only(client, grids, staff_factory, person_factory):
    url = "/api/v1/spatial/grids.geojson"
    assert client.get(url).status_code == 401
    client.force_login(person_factory())
    assert client.get(url).status_code == 403
    client.force_login(staff_factory(roles=("window_clerk",)).user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    body = response.json()
    assert body["type"] == "FeatureCollection" and len(body["features"]) == 6
    feature = body["features"][0]
    assert feature["geometry"]["type"] == "Polygon"
    assert feature["properties"]["region_name"] == "城北社区"
    assert len(client.get(url, {"region": "330424001002"}).json()["features"]) == 1
