"""Fixtures for data objections: POP-BASE over the population registry (owner 县公安局) with a
citizen's record, that citizen's account, a data officer of the owner, and an imported dataset
keyed by citizen ID (社保参保, owner 县人力社保局)."""

import datetime

import pytest

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def pop_base(population_dataset):
    from onetrip.datasets.models import DatasetField

    DatasetField.objects.filter(dataset=population_dataset, name="birth_date").update(
        field_type="date"
    )
    return population_dataset


@pytest.fixture
def citizen(person_factory, region, pop_base):
    """A signed-up citizen whose population record says the wrong address."""
    from onetrip.registries.services import population_record_save

    user = person_factory(name="朱丽华", level="L2", phone="13900001111")
    population_record_save(
        actor="test",
        id_number=user.person.id_number,
        name="朱丽华",
        gender="female",
        birth_date=datetime.date(1986, 5, 4),
        household_region=region,
        address="海盐县武原街道旧址1号",
        phone="13900001111",
    )
    return user


@pytest.fixture
def officer(staff_factory, pop_base):
    return staff_factory(department="县公安局", roles=("data_officer",)).user


@pytest.fixture
def insurance(department_factory, citizen):
    """An imported dataset keyed by citizen ID, with the citizen's row."""
    from onetrip.datasets.models import Dataset, DatasetField, DatasetRecord

    owner = department_factory(code="HY-RSJ", name="县人力社保局")
    dataset = Dataset.objects.create(
        code="SOCIAL-INSURANCE",
        name="社会保险参保信息",
        owner=owner,
        key_field="id_number",
    )
    for position, (name, label, field_type) in enumerate(
        [
            ("id_number", "身份证号", "string"),
            ("insured_since", "参保日期", "date"),
            ("employer", "参保单位", "string"),
        ]
    ):
        DatasetField.objects.create(
            dataset=dataset, position=position, name=name, label=label, field_type=field_type
        )
    id_number = citizen.person.id_number
    DatasetRecord.objects.create(
        dataset=dataset,
        key=id_number,
        data={"id_number": id_number, "insured_since": "2010-03-01", "employer": "海盐某厂"},
    )
    return dataset


@pytest.fixture
def png():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("户口簿.png", PNG, content_type="image/png")
