"""Fixtures for the cases tests: two departments, their staff, a published matter with review
steps, form fields and materials, a citizen, and PDF/PNG uploads."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

GUIDE = {
    "name": "食品经营许可",
    "matter_type": "licensing",
    "applicant_kind": "both",
    "legal_days": 20,
    "promised_days": 5,
    "max_trips": 0,
    "online": True,
    "mobile_ready": True,
    "counter": True,
    "required_level": "L2",
    "steps": [
        {"key": "accept", "name": "受理"},
        {"key": "review", "name": "审查"},
        {"key": "inspection", "name": "现场核查"},
        {"key": "decision", "name": "决定"},
    ],
    "form_schema": [
        {"name": "business_name", "label": "名称", "type": "text", "required": True},
        {"name": "capital", "label": "资金数额（万元）", "type": "number", "required": True},
        {"name": "opening_on", "label": "开业日期", "type": "date", "required": False},
        {
            "name": "kind",
            "label": "组成形式",
            "type": "choice",
            "required": True,
            "choices": ["个人经营", "家庭经营"],
        },
        {"name": "owner_id", "label": "经营者身份证号码", "type": "id_number", "required": True},
        {"name": "phone", "label": "联系电话", "type": "phone", "required": True},
    ],
    "materials": [
        {
            "name": "身份证件",
            "form": "original",
            "source": "registry",
            "source_ref": "POP-BASE.id_number",
        },
        {"name": "申请书", "form": "electronic", "is_required": True},
        {"name": "经营场所使用证明", "form": "copy", "is_required": True, "is_tolerable": True},
    ],
}

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


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
def clerk(staff_factory, market):
    return staff_factory(department="县市场监管局", roles=("window_clerk",)).user


@pytest.fixture
def reviewer(staff_factory, market):
    return staff_factory(department="县市场监管局", roles=("reviewer",)).user


@pytest.fixture
def head(staff_factory, market):
    return staff_factory(department="县市场监管局", roles=("department_head",)).user


@pytest.fixture
def other_reviewer(staff_factory, health):
    return staff_factory(department="县卫生健康局", roles=("reviewer", "window_clerk")).user


@pytest.fixture
def supervisor(staff_factory):
    return staff_factory(department="县政务数据办", roles=("supervisor",)).user


@pytest.fixture
def publish(reviewer, supervisor, population_dataset):
    """Publish a guide (GUIDE with changes) for the market department; returns the version."""
    from onetrip.catalogue import services as catalogue

    counter = iter(range(1, 1000))

    def make(**changes):
        guide = {**GUIDE, **changes}
        draft = catalogue.matter_draft_create(
            actor=reviewer,
            code=f"330424-SCJGJ-T{next(counter):02d}",
            department=reviewer.staff.department,
            guide=guide,
        )
        return catalogue.matter_version_publish(actor=supervisor, version=draft)

    return make


@pytest.fixture
def version(publish):
    return publish()


@pytest.fixture
def citizen(person_factory):
    return person_factory(name="李四", level="L2", phone="13800001111")


@pytest.fixture
def valid_form(citizen):
    return {
        "business_name": "海盐李四小吃店",
        "capital": "3.5",
        "opening_on": "2026-05-01",
        "kind": "个人经营",
        "owner_id": citizen.person.id_number,
        "phone": "13800001111",
    }


def pdf(name="scan.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png(name="photo.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def material_named(version, name):
    return version.materials.get(name=name)


def draft_with(version, citizen, form: dict, materials=("申请书", "经营场所使用证明")):
    """A draft of `version` by `citizen` with `form` saved and the named materials uploaded."""
    from onetrip.cases import services

    case = services.case_create(actor=citizen, version=version)
    services.case_form_save(actor=citizen, case=case, data=form)
    for name in materials:
        services.case_material_upload(
            actor=citizen,
            case=case,
            uploaded_file=pdf(),
            matter_material=material_named(version, name),
        )
    return case


@pytest.fixture
def ready_draft(version, citizen, valid_form):
    """A draft with a valid form and every material uploaded, ready to submit."""
    return draft_with(version, citizen, valid_form)


@pytest.fixture
def submitted(ready_draft, citizen):
    """A case with a valid form and every material uploaded, submitted online."""
    from onetrip.cases import services

    return services.case_submit(actor=citizen, case=ready_draft)


@pytest.fixture
def on_day(monkeypatch):
    """Make the services' today a given date."""
    from onetrip.cases import services

    def set_day(day: datetime.date):
        monkeypatch.setattr(services, "_today", lambda: day)

    return set_day


@pytest.fixture
def approved_fee_case(publish, citizen, valid_form, clerk, reviewer):
    """An approved case of a matter that charges a fee (缴费), ready to be charged."""
    from onetrip.cases import services

    version = publish(is_fee=True, fee_description="营业执照工本费15元，邮寄费按实收取")
    case = draft_with(version, citizen, valid_form)
    services.case_submit(actor=citizen, case=case)
    case = services.case_accept(actor=clerk, case=case)
    for _step in range(2):
        case = services.case_step_complete(actor=reviewer, case=case)
    return services.case_approve(actor=reviewer, case=case)


COMMITMENT_PROOF = "经营场所使用证明"
COMMITMENT_WORDING = (
    "本人承诺：申请登记的经营场所真实存在，本人依法享有使用权；如有不实，愿承担法律责任。"
)


@pytest.fixture
def committable(publish, citizen, valid_form):
    """(version, draft): a guide whose 经营场所使用证明 may be replaced by a written commitment
    (告知承诺; not tolerable), and a draft of it with the form filled and 申请书 uploaded."""
    materials = [
        {**m, "is_tolerable": False, "commitment": COMMITMENT_WORDING}
        if m["name"] == COMMITMENT_PROOF
        else m
        for m in GUIDE["materials"]
    ]
    version = publish(materials=materials)
    return version, draft_with(version, citizen, valid_form, materials=("申请书",))
