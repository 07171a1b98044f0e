"""ID-only handling (一证通办) and the right to know, over HTTP and in a phone browser."""

import pytest
from django.urls import reverse

from onetrip.conftest import PASSWORD, assert_accessible, screenshot
from onetrip.core.models import AuditEntry
from onetrip.exchange.models import Consent, PulledMaterial
from onetrip.exchange.selectors import id_only_savings

from .conftest import cli

GUIDE = {
    "name": "居住证明开具",
    "matter_type": "public_service",
    "applicant_kind": "person",
    "legal_days": 5,
    "promised_days": 1,
    "max_trips": 0,
    "online": True,
    "mobile_ready": True,
    "counter": True,
    "required_level": "L2",
    "steps": [{"key": "accept", "name": "受理"}, {"key": "decision", "name": "决定"}],
    "form_schema": [
        {"name": "reason", "label": "用途", "type": "text", "required": True},
        {
            "name": "applicant_name",
            "label": "申请人姓名",
            "type": "text",
            "required": False,
            "prefill": "applicant.name",
        },
        {
            "name": "id_number",
            "label": "身份证号码",
            "type": "id_number",
            "required": False,
            "prefill": "applicant.id_number",
        },
    ],
    "materials": [
        {
            "name": "居民身份证",
            "form": "original",
            "source": "registry",
            "source_ref": "POP-BASE.id_number",
            "source_fields": ["name", "gender", "birth_date"],
        },
        {
            "name": "户籍信息",
            "form": "electronic",
            "source": "registry",
            "source_ref": "POP-BASE.address",
        },
    ],
}


@pytest.fixture
def matter(staff_factory, owner, pop_base):
    from onetrip.catalogue import services as catalogue

    labels = {
        "id_number": "公民身份号码",
        "name": "姓名",
        "gender": "性别",
        "birth_date": "出生日期",
    }
    labels["address"] = "住址"
    for name, label in labels.items():
        pop_base.fields.filter(name=name).update(label=label)
    reviewer = staff_factory(department="县市场监管局", roles=("reviewer",)).user
    supervisor = staff_factory(department="县政务数据办", roles=("supervisor",)).user
    draft = catalogue.matter_draft_create(
        actor=reviewer, code="330424-SCJGJ-ID01", department=owner, guide=GUIDE
    )
    return catalogue.matter_version_publish(actor=supervisor, version=draft)


@pytest.fixture
def citizen(person_factory, pop_base):
    user = person_factory(name="张三丰", level="L2", phone="13812345678")
    pop_base.records.update(key=user.person.id_number)
    record = pop_base.records.get()
    record.data = {**record.data, "id_number": user.person.id_number}
    record.save()
    return user


def _apply(client, matter, citizen, *, consent: bool) -> str:
    client.force_login(citizen)
    client.post(reverse("cases:start", args=[matter.matter.code]), {"channel": "mobile"})
    from onetrip.cases.models import Application

    case = Application.objects.get(applicant=citizen)
    number = case.number
    # As a browser sends it: the prefilled values with what the applicant typed.
    form = {"reason": "子女入学", "applicant_name": citizen.person.name}
    form["id_number"] = citizen.person.id_number
    assert client.post(reverse("cases:form", args=[number]), form).status_code == 302
    page = client.get(reverse("cases:detail", args=[number])).content.decode()
    assert 'name="consent"' in page and 'type="file"' not in page  # nothing to upload
    assert 'id="upload-hint"' not in page  # so no word on file types either
    # Before consenting, the applicant reads what is fetched, from where, by the fields' labels.
    plan = page[page.index('data-testid="id-only-plan"') :]
    assert (
        "居民身份证</strong>: 人口综合库（县市场监管局）— 公民身份号码、姓名、性别、出生日期"
        in plan
    )
    assert "户籍信息</strong>: 人口综合库（县市场监管局）— 住址" in plan
    data = {"consent": "yes"} if consent else {}
    assert client.post(reverse("cases:submit", args=[number]), data).status_code == 302
    return number


@pytest.mark.django_db(transaction=True)
def test_id_only_application_pulls_materials_with_consent_and_uploads_nothing(
    client, matter, citizen, pop_base
):
    number = _apply(client, matter, citizen, consent=True)
    from onetrip.cases.models import Application

    case = Application.objects.get(number=number)
    assert case.status == "submitted" and case.materials.count() == 0
    consent = Consent.objects.get(case_number=number)
    assert consent.user == citizen and consent.purpose == "一证通办"
    pulled = list(PulledMaterial.objects.filter(case_number=number))
    assert [p.name for p in pulled] == ["居民身份证", "户籍信息"]
    assert all(p.status == "pulled" for p in pulled)
    # Data minimisation: each pull keeps the fields its material names, nothing else (the
    # record also holds a phone number and an address).
    assert pulled[0].snapshot == {
        "id_number": citizen.person.id_number,
        "name": "张三丰",
        "gender": "male",
        "birth_date": "1990-01-01",
    }
    assert pulled[1].snapshot == {"address": "浙江省嘉兴市海盐县武原街道1号"}
    entries = AuditEntry.objects.filter(action="exchange.pull", subject_id=citizen.person.id_number)
    assert entries.count() == 2
    assert all(e.purpose == f"一证通办 {number}" for e in entries)
    assert [e.detail["fields"] for e in entries.order_by("id")] == [
        ["id_number", "name", "gender", "birth_date"],
        ["address"],
    ]
    given = AuditEntry.objects.get(action="exchange.consent.give")
    assert given.detail["data"][0] == {
        "material": "居民身份证",
        "source": "POP-BASE.id_number",
        "fields": ["id_number", "name", "gender", "birth_date"],
    }
    assert id_only_savings() == {"materials": 2, "trips": 1}
    # The right-to-know page names each pull's material and the data by its labels, and not the
    # platform's internal client.
    pop_base.fields.filter(name="name").update(label="姓名")
    page = client.get(reverse("exchange:data_access")).content.decode()
    assert "材料: 居民身份证" in page and "材料: 户籍信息" in page
    assert "姓名" in page and "onetrip-platform" not in page


@pytest.mark.django_db(transaction=True)
def test_without_consent_nothing_is_pulled(client, matter, citizen):
    number = _apply(client, matter, citizen, consent=False)
    assert not PulledMaterial.objects.filter(case_number=number).exists()
    assert not Consent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_right_to_know_page_lists_reads_newest_first_and_is_audited(
    client, his, his_token, pop_base, citizen, person_factory
):
    cli(
        "exchange",
        "grant",
        "--client",
        his[0],
        "--dataset",
        "POP-BASE",
        "--fields",
        "name",
        "--purpose",
        "就诊登记核验",
    )
    response = client.get(
        f"/api/v1/exchange/datasets/POP-BASE/records?id_number={citizen.person.id_number}",
        HTTP_AUTHORIZATION=f"Bearer {his_token}",
    )
    assert response.status_code == 200
    client.force_login(citizen)
    assert reverse("exchange:data_access") in client.get(reverse("portal:me")).content.decode()
    page = client.get(reverse("exchange:data_access")).content.decode()
    assert "县卫生健康局" in page and "就诊登记核验" in page and "name" in page
    viewed = AuditEntry.objects.filter(action="exchange.right_to_know.view").get()
    assert viewed.subject_id == citizen.person.id_number
    # Someone else sees only their own (empty) page.
    other = person_factory(name="王五", level="L2")
    client.force_login(other)
    assert "县卫生健康局" not in client.get(reverse("exchange:data_access")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_phone_citizen_applies_with_only_the_id_card(phone_page, live_server, matter, citizen):
    page = phone_page
    start = reverse("cases:start", args=[matter.matter.code])
    page.goto(f"/login/?next={start}")
    page.fill("#id_identifier", citizen.person.id_number)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{start}")
    page.get_by_test_id("start").click()
    # The name is filled in from the verified identity; the applicant only checks it.
    assert page.get_by_label("申请人姓名").input_value() == "张三丰"
    assert page.get_by_test_id("prefilled").first.is_visible()
    page.get_by_label("用途").fill("子女入学")
    page.get_by_test_id("save-form").click()
    assert page.locator('input[type="file"]').count() == 0
    plan = page.get_by_test_id("id-only-plan")
    assert (
        "居民身份证: 人口综合库（县市场监管局）— 公民身份号码、姓名、性别、出生日期"
        in plan.inner_text()
    )
    page.get_by_test_id("consent").check()
    assert_accessible(page)
    plan.scroll_into_view_if_needed()
    screenshot(page, "exchange-id-only-consent", full_page=False)
    page.get_by_test_id("submit").click()
    page.wait_for_load_state()
    screenshot(page, "exchange-id-only-phone")
    assert PulledMaterial.objects.filter(status="pulled").count() == 2
    assert page.get_by_text("已提交").first.is_visible()
    # The applicant sees what was pulled, and nothing more of the registry record.
    pulled = page.get_by_test_id("pulled-data")
    assert pulled.count() == 2
    assert "姓名张三丰" in pulled.first.inner_text().replace("\n", "").replace(" ", "")
    assert "13812345678" not in page.content()


def _materials_section(page: str) -> str:
    return page[
        page.index('id="materials-title"') : page.index(
            "</section>", page.index('id="materials-title"')
        )
    ]


@pytest.mark.django_db(transaction=True)
def test_pulled_data_is_shown_in_clear_to_the_applicant_and_handlers_and_masked_to_others(
    client, matter, citizen, staff_factory
):
    number = _apply(client, matter, citizen, consent=True)
    mine = _materials_section(client.get(reverse("cases:detail", args=[number])).content.decode())
    assert "从共享数据调取" in mine and "张三丰" in mine and citizen.person.id_number in mine
    assert "13812345678" not in mine  # never pulled, so never shown

    handler = staff_factory(department="县市场监管局", roles=("window_clerk",)).user
    client.force_login(handler)
    page = client.get(reverse("casework:detail", args=[number])).content.decode()
    handled = _materials_section(page)
    assert "张三丰" in handled and "浙江省嘉兴市海盐县武原街道1号" in handled
    form = page[page.index('id="form-title"') : page.index('id="materials-title"')]
    assert citizen.person.id_number in form  # prefilled, and shown in clear to who handles it

    supervisor = staff_factory(department="县政务数据办", roles=("supervisor",)).user
    client.force_login(supervisor)
    page = client.get(reverse("casework:detail", args=[number])).content.decode()
    watched = _materials_section(page)
    assert "张**" in watched and "张三丰" not in watched
    api = client.get(f"/api/v1/applications/{number}/materials").json()
    assert api[0]["data"]["姓名"] == "张**" and api[1]["data"]["住址"].endswith("****")
    assert citizen.person.id_number not in watched and "武原街道1号" not in watched
    # Nor anywhere else on the page (the form may hold the ID number too).
    assert citizen.person.id_number not in page


@pytest.mark.django_db(transaction=True)
def test_what_was_not_pulled_is_marked_and_can_be_asked_for(
    client, matter, citizen, person_factory, staff_factory
):
    # Not in the registry: the pull finds nothing. Without consent: nothing is pulled at all.
    stranger = person_factory(name="李四", level="L2")
    found_nothing = _apply(client, matter, stranger, consent=True)
    assert set(
        PulledMaterial.objects.filter(case_number=found_nothing).values_list("status", flat=True)
    ) == {"unavailable"}
    no_consent = _apply(client, matter, citizen, consent=False)
    client.force_login(stranger)
    page = client.get(reverse("cases:detail", args=[found_nothing])).content.decode()
    assert _materials_section(page).count("共享数据中未找到") == 2
    states = client.get(f"/api/v1/applications/{found_nothing}/materials").json()
    assert [m["state"] for m in states] == ["not_found", "not_found"]
    clerk = staff_factory(department="县市场监管局", roles=("window_clerk",)).user
    client.force_login(clerk)
    page = client.get(reverse("casework:detail", args=[no_consent])).content.decode()
    assert _materials_section(page).count("未经同意") == 2
    states = client.get(f"/api/v1/applications/{no_consent}/materials").json()
    assert [(m["state"], m["data"]) for m in states] == [("not_pulled", {})] * 2
    # The clerk can ask for them in the one correction.
    assert page.count('name="materials"') == 2


@pytest.mark.django_db(transaction=True)
def test_an_app_shows_the_plan_and_submits_with_consent_through_the_api(client, matter, citizen):
    from onetrip.cases.models import Application

    client.force_login(citizen)
    client.post(reverse("cases:start", args=[matter.matter.code]), {"channel": "mobile"})
    number = Application.objects.get(applicant=citizen).number
    client.post(reverse("cases:form", args=[number]), {"reason": "子女入学"})
    plan = client.get(f"/api/v1/applications/{number}/id-only")
    assert plan.status_code == 200
    assert plan.json()[0] == {
        "material": "居民身份证",
        "source": "人口综合库",
        "owner": "县市场监管局",
        "items": ["公民身份号码", "姓名", "性别", "出生日期"],
    }
    before = client.get(f"/api/v1/applications/{number}/materials").json()
    assert [m["state"] for m in before] == ["to_pull", "to_pull"]
    submitted = client.post(f"/api/v1/applications/{number}/submit?consent=true")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert PulledMaterial.objects.filter(case_number=number, status="pulled").count() == 2
    after = client.get(f"/api/v1/applications/{number}/materials").json()
    assert after[0] == {
        "name": "居民身份证",
        "required": True,
        "source": "registry",
        "state": "pulled",
        "files": 0,
        "data": {
            "公民身份号码": citizen.person.id_number,
            "姓名": "张三丰",
            "性别": "male",
            "出生日期": "1990-01-01",
        },
        "commitment": None,
    }
    # Signed out: 401.
    client.logout()
    assert client.get(f"/api/v1/applications/{number}/id-only").status_code == 401


@pytest.mark.django_db(transaction=True)
def test_at_a_counter_the_clerk_records_the_consent_given_in_person(
    client, matter, citizen, staff_factory
):
    from onetrip.cases import services as cases

    clerk = staff_factory(department="县市场监管局", roles=("window_clerk",)).user
    case = cases.case_create(actor=clerk, version=matter, channel="counter", applicant=citizen)
    cases.case_form_save(actor=clerk, case=case, data={"reason": "子女入学"})
    client.force_login(clerk)
    page = client.get(reverse("casework:detail", args=[case.number])).content.decode()
    assert "请向申请人告知" in page and "人口综合库（县市场监管局）— 住址" in page
    response = client.post(
        reverse("casework:action", args=[case.number, "submit"]), {"consent": "yes"}
    )
    assert response.status_code == 302
    consent = Consent.objects.get(case_number=case.number)
    assert consent.user == citizen  # the applicant gave it; the clerk recorded it
    given = AuditEntry.objects.get(action="exchange.consent.give")
    assert given.actor_id == clerk.pk and given.subject_id == citizen.person.id_number
    assert given.detail["given_in_person_to"] == str(clerk.public_id)
    assert PulledMaterial.objects.filter(case_number=case.number, status="pulled").count() == 2
    pull = AuditEntry.objects.filter(action="exchange.pull").first()
    assert pull.detail["on_behalf_of"] == str(citizen.public_id)
    page = client.get(reverse("casework:detail", args=[case.number])).content.decode()
    assert "张三丰" in _materials_section(page)  # the clerk who took it in sees it in clear


@pytest.mark.django_db(transaction=True)
def test_an_e_licence_material_is_pulled_as_the_holders_valid_licence(
    client, staff_factory, owner, citizen, pop_base
):
    from onetrip.catalogue import services as catalogue
    from onetrip.licences.services import licence_issue, licence_type_save
    from onetrip.signing.services import signing_key_create

    signing_key_create(actor="cli:test", department=owner)
    licence_type_save(
        actor="cli:test",
        code="YYZZ",
        name="营业执照",
        identifier_code="11100000000000000A001",
        department=owner,
        issuer_code="113304240025000016",
        fields_schema=[],
        validity_months=None,
    )
    licence = licence_issue(
        actor="cases:test",
        type_code="YYZZ",
        holder_type="person",
        holder_id=citizen.person.id_number,
        holder_name="张三丰",
        fields={},
        department=owner,
        source="CASE-0001",
    )
    guide = {
        **GUIDE,
        "materials": [
            {"name": "营业执照", "form": "original", "source": "licence", "source_ref": "YYZZ"}
        ],
    }
    reviewer = staff_factory(department="县市场监管局", roles=("reviewer",)).user
    supervisor = staff_factory(department="县政务数据办", roles=("supervisor",)).user
    draft = catalogue.matter_draft_create(
        actor=reviewer, code="330424-SCJGJ-ID02", department=owner, guide=guide
    )
    version = catalogue.matter_version_publish(actor=supervisor, version=draft)
    client.force_login(citizen)
    client.post(reverse("cases:start", args=[version.matter.code]), {"channel": "mobile"})
    from onetrip.cases.models import Application

    number = Application.objects.get(applicant=citizen).number
    client.post(reverse("cases:form", args=[number]), {"reason": "子女入学"})
    page_before = client.get(reverse("cases:detail", args=[number])).content.decode()
    assert "营业执照</strong>: 营业执照（县市场监管局）— 证照编号" in page_before
    client.post(reverse("cases:submit", args=[number]), {"consent": "yes"})
    pulled = PulledMaterial.objects.get(case_number=number)
    assert (pulled.status, pulled.licence_number) == ("pulled", licence.number)
    page = _materials_section(client.get(reverse("cases:detail", args=[number])).content.decode())
    assert reverse("licences:verify", args=[licence.number]) in page


@pytest.mark.django_db(transaction=True)
def test_pulled_data_under_objection_is_marked_on_the_case(client, matter, citizen, staff_factory):
    """The applicant objects to the address the case pulled: the case pages say so while the
    owner checks it, and stop saying so once it is answered."""
    from onetrip.objections import services as objections

    number = _apply(client, matter, citizen, consent=True)
    handler = staff_factory(department="县市场监管局", roles=("window_clerk",)).user
    client.force_login(handler)
    assert (
        'data-testid="pull-objected"'
        not in client.get(reverse("casework:detail", args=[number])).content.decode()
    )

    from onetrip.datasets.models import Dataset

    objection = objections.objection_file(
        actor=citizen,
        dataset=Dataset.objects.get(code="POP-BASE"),
        key=citizen.person.id_number,
        proposed={"address": "浙江省嘉兴市海盐县武原街道8号"},
        statement="住址已变更，门牌号有误。",
    )
    page = client.get(reverse("casework:detail", args=[number])).content.decode()
    assert "异议核查中：住址" in _materials_section(page)
    client.force_login(citizen)
    mine = client.get(reverse("cases:detail", args=[number])).content.decode()
    assert "异议核查中：住址" in _materials_section(mine)

    officer = staff_factory(department="县市场监管局", roles=("data_officer",)).user
    objections.objection_decide(actor=officer, objection=objection, upheld=False, note="无误")
    assert "异议核查中" not in _materials_section(
        client.get(reverse("cases:detail", args=[number])).content.decode()
    )
