import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from onetrip.core.errors import DomainError
from onetrip.departments import selectors, services
from onetrip.departments.models import Department, ServiceHall, Window
from onetrip.regions import services as region_services

DATA = Path(settings.BASE_DIR) / "data"


@pytest.fixture
def regions(db):
    region_services.regions_load(path=DATA / "regions" / "330424.json")


def counts():
    return (
        Department.objects.count(),
        ServiceHall.objects.count(),
        Window.objects.count(),
        Window.departments.through.objects.count(),
    )


def test_the_demo_departments_load_with_halls_and_windows(regions):
    out = StringIO()
    call_command("departments", "load", str(DATA / "departments" / "330424.json"), stdout=out)
    assert "created" in out.getvalue()
    market = selectors.department_find(code_or_name="县市场监管局")
    assert market.code == "330424-SCJGJ" and market.name == "海盐县市场监督管理局"
    assert selectors.department_find(code_or_name="海盐县发展和改革局").short_name == "县发改局"
    children = [d.short_name for d in selectors.department_children(department=market)]
    assert "武原市场监管所" in children
    roots = {node["code"]: node for node in selectors.department_tree_nested(region_code="330424")}
    assert "330424-SCJGJ-DJK" in {c["code"] for c in roots["330424-SCJGJ"]["children"]}
    hall = ServiceHall.objects.get(code="330424-HALL")
    windows = list(selectors.window_list(hall=hall))
    assert sum(w.is_general for w in windows) >= 2
    assert any(market in w.departments.all() for w in windows if not w.is_general)
    serving = selectors.windows_serving(department=market)
    assert {w.hall.code for w in serving} >= {"330424-HALL", "330424101-HALL"}
    town_halls = [h.name for h in selectors.hall_list(region_code="330424") if h.code != hall.code]
    assert len(town_halls) == 9 and all(name.endswith("便民服务中心") for name in town_halls)


def test_loading_twice_adds_nothing(regions):
    path = DATA / "departments" / "330424.json"
    services.departments_load(path=path)
    before = counts()
    result = services.departments_load(path=path)
    assert (result.created, result.updated) == (0, 0)
    assert counts() == before


def test_a_changed_file_updates_in_place(regions, tmp_path):
    document = json.loads((DATA / "departments" / "330424.json").read_text(encoding="utf-8"))
    path = tmp_path / "d.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    services.departments_load(path=path)
    before = counts()
    document["departments"][0]["phone"] = "0573-86000000"
    document["halls"][0]["windows"][-1]["departments"] = ["330424-SCJGJ"]
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    result = services.departments_load(path=path)
    assert result.updated == 2 and result.created == 0
    assert counts() == before
    assert Department.objects.get(code=document["departments"][0]["code"]).phone == "0573-86000000"


@pytest.mark.parametrize(
    "document",
    [
        {"format": "other"},
        {"format": "onetrip-departments/1", "departments": [{"code": "X", "region": "330424"}]},
        {
            "format": "onetrip-departments/1",
            "departments": [{"code": "X", "name": "某局", "region": "999999"}],
        },
        {
            "format": "onetrip-departments/1",
            "departments": [{"code": "X", "name": "某局", "region": "330424", "parent": "NONE"}],
        },
    ],
)
def test_a_bad_file_is_refused_and_loads_nothing(regions, tmp_path, document):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DomainError):
        services.departments_load(path=path)
    assert counts() == (0, 0, 0, 0)
    with pytest.raises(CommandError, match=r"departments\.invalid_file"):
        call_command("departments", "load", str(path))
