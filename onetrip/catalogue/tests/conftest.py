"""Fixtures for the catalogue tests: departments of the demo county, staff, a guide."""

import copy
import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[3] / "data"
DEMO_FILE = DATA / "matters" / "330424.json"


@pytest.fixture
def county_departments(region):
    """The departments of data/departments/330424.json, made directly (no dependency on the
    departments loader's options)."""
    from onetrip.departments.models import Department

    document = json.loads((DATA / "departments" / "330424.json").read_text(encoding="utf-8"))
    made = {}
    for raw in document["departments"]:
        made[raw["code"]], _ = Department.objects.get_or_create(
            code=raw["code"],
            defaults={
                "name": raw["name"],
                "short_name": raw.get("short_name", ""),
                "region": region,
            },
        )
    return made


@pytest.fixture
def demo_datasets(county_departments):
    """The datasets of the demo data catalogue that the demo matters pull materials from."""
    from onetrip.datasets.services import LoadResult, dataset_write

    document = json.loads((DATA / "datasets" / "330424.json").read_text(encoding="utf-8"))
    matters = json.loads(DEMO_FILE.read_text(encoding="utf-8"))["matters"]
    codes = {
        material["source_ref"].partition(".")[0]
        for matter in matters
        for material in matter["materials"]
        if material.get("source") == "registry"
    }
    result = LoadResult()
    for entry in document["datasets"]:
        if entry["code"] in codes:
            dataset_write(actor="cli:test", entry=entry, result=result)
    return result


@pytest.fixture
def demo_catalogue(demo_datasets):
    from onetrip.catalogue import services

    return services.matters_load(path=DEMO_FILE)


@pytest.fixture
def guide():
    """A valid guide for 个体工商户设立登记-like tests, fresh for each test."""
    return copy.deepcopy(
        {
            "name": "个体工商户设立登记",
            "matter_type": "licensing",
            "applicant_kind": "person",
            "keywords": "开店 个体户",
            "legal_days": 15,
            "promised_days": 1,
            "max_trips": 0,
            "online": True,
            "mobile_ready": True,
            "steps": [{"key": "accept", "name": "受理"}, {"key": "decision", "name": "决定"}],
            "legal_basis": "《促进个体工商户发展条例》",
            "result_name": "营业执照",
            "licence_type_code": "YYZZ",
            "form_schema": [
                {"name": "business_name", "label": "名称", "type": "text", "required": True},
                {
                    "name": "kind",
                    "label": "组成形式",
                    "type": "choice",
                    "required": True,
                    "choices": ["个人经营", "家庭经营"],
                },
            ],
            "materials": [
                {
                    "name": "身份证件",
                    "form": "original",
                    "copies": 1,
                    "source": "registry",
                    "source_ref": "POP-BASE.id_number",
                    "source_fields": ["name", "address"],
                },
                {
                    "name": "经营场所使用证明",
                    "form": "copy",
                    "copies": 1,
                    "is_tolerable": True,
                    "commitment": "本人承诺经营场所真实、可以使用；如有不实，愿承担法律责任。",
                },
            ],
        }
    )


@pytest.fixture
def editor(staff_factory):
    return staff_factory(department="县市场监管局", roles=("reviewer",)).user


@pytest.fixture
def supervisor(staff_factory, population_dataset):
    """Publishes; the guides here pull 身份证件 from POP-BASE, which must be in the catalogue."""
    return staff_factory(department="县政务数据办", roles=("supervisor",)).user
