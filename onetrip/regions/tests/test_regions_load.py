import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from onetrip.core.errors import DomainError
from onetrip.core.models import AuditEntry
from onetrip.regions import selectors, services
from onetrip.regions.models import Region

DATA = Path(settings.BASE_DIR) / "data" / "regions"
HAIYAN_TOWNS = {
    "330424001000": "武原街道",
    "330424002000": "西塘桥街道",
    "330424004000": "秦山街道",
    "330424005000": "望海街道",
    "330424101000": "沈荡镇",
    "330424102000": "百步镇",
    "330424103000": "于城镇",
    "330424105000": "澉浦镇",
    "330424106000": "通元镇",
}


def write(tmp_path, regions, name="x.json"):
    path = tmp_path / name
    path.write_text(
        json.dumps({"format": "onetrip-regions/1", "regions": regions}, ensure_ascii=False),
        encoding="utf-8",
    )
    return path


@pytest.mark.django_db
def test_the_demo_county_loads_as_a_tree_with_every_town():
    call_command("regions", "load", str(DATA / "330424.json"))
    county = selectors.region_get(code="330424")
    assert county.name == "海盐县" and county.level == "county"
    assert [r.name for r in selectors.region_ancestors(region=county)] == ["浙江省", "嘉兴市"]
    towns = {r.code: r.name for r in selectors.region_towns(county_code="330424")}
    assert towns == HAIYAN_TOWNS
    villages = selectors.region_descendants(code="330424", level="village")
    assert villages.count() >= 40
    assert all(v.parent.level == "town" and v.code.startswith(v.parent.code[:9]) for v in villages)
    assert selectors.region_get(code="330424102206").name == "桃北村"
    tree = selectors.region_tree(code="330424")
    assert {child["name"] for child in tree["children"]} == set(HAIYAN_TOWNS.values())
    wuyuan = next(c for c in tree["children"] if c["name"] == "武原街道")
    assert "百可社区" in {c["name"] for c in wuyuan["children"]}


@pytest.mark.django_db
def test_loading_twice_adds_nothing_and_updates_names(tmp_path):
    first = services.regions_load(path=DATA / "330424.json")
    count = Region.objects.count()
    assert first.created == count
    again = services.regions_load(path=DATA / "330424.json")
    assert (again.created, again.updated) == (0, 0)
    assert Region.objects.count() == count
    renamed = write(
        tmp_path,
        [{"code": "330000", "name": "浙江省"}, {"code": "330424001", "name": "武原街道（新名）"}],
    )
    result = services.regions_load(path=renamed)
    assert (result.created, result.updated) == (0, 1)
    assert Region.objects.get(code="330424001000").name == "武原街道（新名）"
    assert Region.objects.count() == count
    assert AuditEntry.objects.filter(action="regions.load").count() == 3


@pytest.mark.django_db
def test_another_county_loads_its_own_file(tmp_path):
    path = write(
        tmp_path,
        [
            {"code": "330000", "name": "浙江省"},
            {"code": "330400", "name": "嘉兴市"},
            {"code": "330481", "name": "海宁市"},
            {"code": "330481001", "name": "硖石街道"},
        ],
    )
    services.regions_load(path=path)
    assert selectors.region_get(code="330481001").parent.name == "海宁市"
    assert [r.name for r in selectors.region_children(code="330400")] == ["海宁市"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "regions",
    [
        [{"code": "33042", "name": "短"}],
        [{"code": "330000", "name": ""}],
        [{"code": "330000", "name": "浙江省"}, {"code": "330000000000", "name": "又一个"}],
        [{"code": "330424001", "name": "无上级"}],
    ],
)
def test_a_bad_file_is_refused_and_loads_nothing(tmp_path, regions):
    with pytest.raises(DomainError):
        services.regions_load(path=write(tmp_path, regions))
    assert Region.objects.count() == 0


@pytest.mark.django_db
def test_the_command_reports_errors_without_a_traceback(tmp_path):
    with pytest.raises(CommandError, match=r"regions\.file_missing"):
        call_command("regions", "load", str(tmp_path / "missing.json"))
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match=r"regions\.invalid_file"):
        call_command("regions", "load", str(broken))
