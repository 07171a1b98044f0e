import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

DATA = Path(settings.BASE_DIR) / "data"
DEMO_FILE = DATA / "datasets" / "330424.json"


@pytest.fixture
def county(db):
    """The demo county's regions and departments, as the demo loader loads them."""
    from onetrip.departments.services import departments_load
    from onetrip.regions.services import regions_load

    regions_load(path=DATA / "regions" / "330424.json", actor="test")
    departments_load(path=DATA / "departments" / "330424.json", actor="test")


@pytest.fixture
def officer_of(county, staff_factory):
    """A staff member of a demo department (by short name) with the given roles."""
    from onetrip.accounts.models import Staff
    from onetrip.departments.models import Department

    def make(short_name, roles=("data_officer",)):
        staff = staff_factory(department="临时", roles=roles)
        staff.department = Department.objects.get(short_name=short_name)
        staff.save(update_fields=["department"])
        return Staff.objects.get(pk=staff.pk).user

    return make


@pytest.fixture
def registries(db, region):
    from onetrip.registries.services import entity_record_save, population_record_save

    population_record_save(
        actor="test",
        id_number="330424199001010011",
        name="张三",
        gender="male",
        birth_date=datetime.date(1990, 1, 1),
        household_region=region,
        address="海盐县武原街道城北路1号",
        phone="13800001111",
    )
    entity_record_save(
        actor="test",
        uscc="91330424MA2B3C4D5E",
        name="海盐县示例贸易有限公司",
        entity_type="有限责任公司",
        legal_representative="李四",
        registered_capital=Decimal("100.50"),
        address="海盐县武原街道海滨东路2号",
        established_on=datetime.date(2020, 5, 6),
    )
