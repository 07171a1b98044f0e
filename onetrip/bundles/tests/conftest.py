"""Fixtures for bundle tests: a life event of two matters in two departments (market
supervision, health), with overlapping and conflicting form fields and a shared material,
each with a licence type and a signing key; staff of both; a citizen."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
STEPS = [{"key": "accept", "name": "受理"}, {"key": "decision", "name": "决定"}]
BASE = {
    "matter_type": "licensing",
    "applicant_kind": "person",
    "legal_days": 20,
    "promised_days": 5,
    "max_trips": 0,
    "online": True,
    "mobile_ready": True,
    "counter": True,
    "required_level": "L2",
    "steps": STEPS,
}
SHOP = {
    **BASE,
    "name": "个体工商户设立登记",
    "licence_type_code": "TYYZZ",
    "form_schema": [
        {"name": "business_name", "label": "名称", "type": "text", "required": True},
        {"name": "owner_id", "label": "经营者身份证号码", "type": "id_number", "required": True},
        {"name": "phone", "label": "联系电话", "type": "phone", "required": True},
        {"name": "capital", "label": "资金数额（万元）", "type": "number", "required": True},
    ],
    "materials": [
        {
            "name": "身份证件",
            "form": "original",
            "source": "registry",
            "source_ref": "POP-BASE.id_number",
            "source_fields": ["name", "gender"],
        },
        {"name": "申请书", "form": "electronic", "is_required": True},
        {"name": "经营场所使用证明", "form": "copy", "is_required": True},
    ],
}
HYGIENE = {
    **BASE,
    "name": "公共场所卫生许可",
    "licence_type_code": "TWSXK",
    "form_schema": [
        {"name": "business_name", "label": "单位名称", "type": "text", "required": False},
        {"name": "phone", "label": "联系电话", "type": "phone", "required": True},
        {
            "name": "capital",
            "label": "投资规模",
            "type": "choice",
            "required": True,
            "choices": ["10万元以下", "10万元及以上"],
        },
        {"name": "area", "label": "营业面积（平方米）", "type": "number", "required": True},
    ],
    "materials": [
        {"name": "经营场所使用证明", "form": "copy", "is_required": True},
        {"name": "卫生许可申请表", "form": "electronic", "is_required": True},
    ],
}
SHOP_CODE, HYGIENE_CODE = "330424-SCJGJ-B01", "330424-WJJ-B01"


def uscc(first17: str) -> str:
    from onetrip.accounts.validators import uscc_check_char

    return first17 + uscc_check_char(first17)


def pdf(name="scan.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def market(department_factory):
    return department_factory(code="HY-SCJG", name="县市场监管局")


@pytest.fixture
def health(department_factory):
    return department_factory(code="HY-WJJ", name="县卫生健康局")


@pytest.fixture
def market_staff(staff_factory, market):
    return staff_factory(department="县市场监管局", roles=("window_clerk", "reviewer")).user


@pytest.fixture
def health_staff(staff_factory, health):
    return staff_factory(department="县卫生健康局", roles=("window_clerk", "reviewer")).user


@pytest.fixture
def outsider_staff(staff_factory):
    return staff_factory(department="县交通运输局", roles=("window_clerk", "reviewer")).user


@pytest.fixture
def supervisor(staff_factory):
    return staff_factory(department="县政务数据办", roles=("supervisor",)).user


@pytest.fixture
def life_event(market, health, market_staff, health_staff, supervisor, population_dataset):
    from onetrip.catalogue import services as catalogue
    from onetrip.licences.services import licence_type_save
    from onetrip.signing.services import signing_key_create

    for code, guide, staff, department, type_code, serial in (
        (SHOP_CODE, SHOP, market_staff, market, "TYYZZ", "001"),
        (HYGIENE_CODE, HYGIENE, health_staff, health, "TWSXK", "002"),
    ):
        draft = catalogue.matter_draft_create(
            actor=staff, code=code, department=department, guide=guide
        )
        catalogue.matter_version_publish(actor=supervisor, version=draft)
        licence_type_save(
            actor="cli:test",
            code=type_code,
            name=guide["name"] + "证",
            identifier_code=f"11100000000000000A{serial}",
            department=department,
            issuer_code=uscc(f"11330424002500{serial}"),
            fields_schema=[],
            validity_months=60,
        )
        signing_key_create(actor="cli:test", department=department)
    return catalogue.life_event_save(
        raw={"code": "open-shop", "name": "开办小店", "matters": [SHOP_CODE, HYGIENE_CODE]}
    )


@pytest.fixture
def citizen(person_factory):
    return person_factory(name="李四", level="L2", phone="13800001111")


@pytest.fixture
def merged_data(citizen):
    return {
        "business_name": "海盐李四小吃店",
        "owner_id": citizen.person.id_number,
        "phone": "13800001111",
        f"{SHOP_CODE}__capital": "3.5",
        f"{HYGIENE_CODE}__capital": "10万元以下",
        "area": "45",
    }


@pytest.fixture
def ready_bundle(life_event, citizen, merged_data):
    """A draft bundle with a complete form and every material uploaded."""
    from onetrip.bundles import services
    from onetrip.bundles.merge import merge_materials

    bundle = services.bundle_start(actor=citizen, life_event=life_event)
    services.bundle_form_save(actor=citizen, bundle=bundle, data=merged_data)
    for material in merge_materials(services.bundle_versions(life_event)):
        if material.needs_upload:
            services.bundle_material_upload(
                actor=citizen, bundle=bundle, material_key=material.key, uploaded_file=pdf()
            )
    return bundle
