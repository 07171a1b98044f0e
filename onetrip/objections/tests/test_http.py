"""Data objections over HTTP: the portal's my-data page, the form and its refusals, the
workbench's queue and answer, the API, and the exchange's marker on fields under objection."""

import pytest
from django.utils import translation

from onetrip.core.models import AuditEntry
from onetrip.exchange.tests.conftest import cli
from onetrip.exchange.tests.conftest import token_for as client_token
from onetrip.objections.models import DataObjection, ObjectionStatus
from onetrip.registries.models import PopulationRecord

pytestmark = pytest.mark.django_db


def my_data(client, citizen):
    client.force_login(citizen)
    response = client.get("/me/data/")
    assert response.status_code == 200
    return response.content.decode()


def form_url(page: str) -> str:
    import re

    return re.search(r'href="(/me/data/POP-BASE/object/\?for=[^"]+)"', page).group(1)


def test_my_data_shows_my_records_in_clear_and_audits_the_read(client, citizen, insurance):
    page = my_data(client, citizen)
    assert "人口基础信息" in page and "社会保险参保信息" in page
    assert "海盐县武原街道旧址1号" in page and "女" in page and "2010-03-01" in page
    assert citizen.person.id_number not in form_url(page)  # the key travels signed
    entry = AuditEntry.objects.get(action="objections.own_data.read")
    assert entry.subject_id == citizen.person.id_number
    assert set(entry.detail["datasets"]) == {"POP-BASE", "SOCIAL-INSURANCE"}


def test_filing_through_the_form(client, citizen, officer, png, person_factory):
    url = form_url(my_data(client, citizen))
    form = client.get(url).content.decode()
    assert "住址" in form and "海盐县武原街道旧址1号" in form and "提交异议" in form

    response = client.post(
        url.split("?")[0],
        {
            "for": url.split("for=")[1],
            "fields": ["address"],
            "value_address": "海盐县武原街道新桥北路8号",
            "statement": "我已迁居，住址登记有误。",
            "evidence": png,
        },
    )
    objection = DataObjection.objects.get()
    assert response.status_code == 302 and str(objection.public_id) in response["Location"]
    detail = client.get(response["Location"]).content.decode()
    assert objection.number in detail and "核查中" in detail and "户口簿.png" in detail
    evidence = client.get(
        f"/me/data/objections/{objection.public_id}/evidence/{objection.evidence.get().pk}/"
    )
    assert evidence.status_code == 200 and evidence["X-Content-Type-Options"] == "nosniff"
    assert AuditEntry.objects.filter(action="objections.evidence.read").count() == 1
    client.force_login(person_factory(name="李四", level="L2"))
    assert client.get(evidence.request["PATH_INFO"]).status_code == 404
    assert "异议核查中" in my_data(client, citizen)


def test_the_form_keeps_what_was_typed_and_says_what_is_wrong(client, citizen):
    url = form_url(my_data(client, citizen))
    response = client.post(
        url.split("?")[0],
        {
            "for": url.split("for=")[1],
            "fields": ["birth_date", "address"],
            "value_birth_date": "1986-02-30",
            "value_address": "新桥北路8号",
            "statement": "出生日期有误",
        },
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "不是有效的日期" in page and 'value="新桥北路8号"' in page and "出生日期有误" in page
    assert not DataObjection.objects.exists()


def test_a_forged_or_foreign_record_is_not_found(client, citizen, person_factory):
    from onetrip.objections.views import record_token

    client.force_login(person_factory(name="李四", level="L2"))
    assert (
        client.get(
            f"/me/data/POP-BASE/object/?for={record_token(citizen.person.id_number)}"
        ).status_code
        == 404
    )
    assert client.get("/me/data/POP-BASE/object/?for=forged").status_code == 404
    client.logout()
    assert client.get("/me/data/").status_code == 302


def file_by_api(client, citizen, token_for, **fields):
    return client.post(
        "/api/v1/objections",
        {
            "dataset": "POP-BASE",
            "key": citizen.person.id_number,
            "fields": fields or {"address": "海盐县武原街道新桥北路8号"},
            "statement": "我已迁居，住址登记有误。",
        },
        content_type="application/json",
        **token_for(citizen),
    )


def test_the_workbench_answers_and_the_record_is_corrected(client, citizen, officer, token_for):
    filed = file_by_api(client, citizen, token_for)
    assert filed.status_code == 201
    number, public_id = filed.json()["number"], filed.json()["id"]

    client.force_login(officer)
    queue = client.get("/workbench/objections/").content.decode()
    assert number in queue and "朱**" in queue
    detail = client.get(f"/workbench/objections/{public_id}/").content.decode()
    assert "海盐县武原街道旧址1号" in detail and "海盐县武原街道新桥北路8号" in detail
    response = client.post(
        f"/workbench/objections/{public_id}/decide/",
        {"decision": "uphold", "value_address": "海盐县武原街道新桥北路8号", "note": "已核实"},
    )
    assert response.status_code == 302
    record = PopulationRecord.objects.get(id_number=citizen.person.id_number)
    assert record.address == "海盐县武原街道新桥北路8号"

    answer = client.get("/api/v1/objections/" + public_id, **token_for(citizen)).json()
    assert (
        answer["status"] == "upheld" and answer["corrected_here"] and answer["answer"] == "已核实"
    )


def test_a_refusal_without_reason_is_shown_on_the_page(client, citizen, officer, token_for):
    public_id = file_by_api(client, citizen, token_for).json()["id"]
    client.force_login(officer)
    response = client.post(f"/workbench/objections/{public_id}/decide/", {"decision": "reject"})
    assert response.status_code == 422 and "请说明不予更正的理由" in response.content.decode()
    assert DataObjection.objects.get().status == ObjectionStatus.OPEN


def test_the_workbench_is_for_the_owners_data_officers(client, citizen, staff_factory, token_for):
    public_id = file_by_api(client, citizen, token_for).json()["id"]
    reviewer = staff_factory(department="县公安局", roles=("reviewer",)).user
    client.force_login(reviewer)
    assert client.get("/workbench/objections/").status_code == 403
    other = staff_factory(department="县市场监管局", roles=("data_officer",)).user
    client.force_login(other)
    assert client.get(f"/workbench/objections/{public_id}/").status_code == 404
    response = client.post(
        f"/api/v1/objections/{public_id}/decision",
        {"upheld": True},
        content_type="application/json",
        **token_for(other),
    )
    assert response.status_code == 404 and response.json()["code"] == "objections.not_found"


def test_the_api_refuses_clearly(client, citizen, person_factory, token_for):
    with translation.override("zh-hans"):
        assert (
            client.post("/api/v1/objections", {}, content_type="application/json").status_code
            == 401
        )
        stranger = person_factory(name="李四", level="L2")
        refused = file_by_api(client, citizen, lambda _user: token_for(stranger))
        assert refused.status_code == 404
        assert refused.json()["code"] == "objections.record_not_found"
        bad = file_by_api(client, citizen, token_for, gender="未知")
        assert bad.status_code == 422 and "gender" in bad.json()["detail"]["fields"]
        assert file_by_api(client, citizen, token_for).status_code == 201
        again = file_by_api(client, citizen, token_for)
        assert again.status_code == 409 and again.json()["code"] == "objections.already_open"
        mine = client.get("/api/v1/objections", **token_for(citizen)).json()
        assert [o["status"] for o in mine] == ["open"]
        assert client.get("/api/v1/objections/not-a-uuid", **token_for(citizen)).status_code == 404


def test_the_exchange_marks_fields_under_objection(
    client, citizen, officer, token_for, department_factory
):
    department_factory(code="HY-WJJ", name="县卫生健康局")
    output = cli("exchange", "client", "add", "--department", "县卫生健康局", "--name", "HIS")
    values = dict(line.split("=", 1) for line in output.splitlines())
    cli(
        "exchange",
        "grant",
        "--client",
        values["client_id"],
        "--dataset",
        "POP-BASE",
        "--fields",
        "name,address",
    )
    token = client_token(client, values["client_id"], values["client_secret"])
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    url = "/api/v1/exchange/datasets/POP-BASE/records"
    params = {"id_number": citizen.person.id_number}

    assert client.get(url, params, **bearer).json()["under_objection"] == []
    filed = file_by_api(client, citizen, token_for, address="新桥北路8号", phone="13900002222")
    assert client.get(url, params, **bearer).json()["under_objection"] == [
        "address"
    ]  # phone not granted

    client.force_login(officer)
    client.post(
        f"/workbench/objections/{filed.json()['id']}/decide/",
        {"decision": "reject", "note": "与户籍档案一致"},
    )
    assert client.get(url, params, **bearer).json()["under_objection"] == []


def test_supervisors_follow_every_department_read_only(client, citizen, staff_factory, token_for):
    public_id = file_by_api(client, citizen, token_for).json()["id"]
    supervisor = staff_factory(department="县政府办公室", roles=("supervisor",)).user
    client.force_login(supervisor)
    queue = client.get("/workbench/objections/").content.decode()
    assert "县公安局" in queue and "只读" in queue
    main = queue[queue.index("<main") :]
    assert 'data-testid="objection-figures"' in main and "各部门答复情况" in main
    assert "<section" not in queue[queue.index("<title>") : queue.index("</title>")]
    detail = client.get(f"/workbench/objections/{public_id}/").content.decode()
    assert 'data-testid="read-only"' in detail and 'data-testid="uphold"' not in detail
    refused = client.post(
        f"/workbench/objections/{public_id}/decide/", {"decision": "reject", "note": "不对"}
    )
    assert refused.status_code == 403
    assert DataObjection.objects.get().status == ObjectionStatus.OPEN


def test_a_legal_representative_sees_and_objects_for_the_company(
    client, citizen, person_factory, department_factory
):
    """The legal-entity registry's record of a company appears on its representative's page,
    not on an agent's, and the representative may object to it."""
    import datetime

    from onetrip.accounts.services import agent_authorise, legal_person_register
    from onetrip.datasets.models import Dataset, DatasetField
    from onetrip.demo.data import make_uscc
    from onetrip.registries.services import entity_record_save

    owner = department_factory(code="HY-SCJG", name="县市场监管局")
    ent_base = Dataset.objects.create(
        code="ENT-BASE", name="法人基础信息", owner=owner, source="entities", key_field="uscc"
    )
    for position, (name, label) in enumerate(
        [("uscc", "统一社会信用代码"), ("name", "名称"), ("address", "住所")]
    ):
        DatasetField.objects.create(dataset=ent_base, position=position, name=name, label=label)
    uscc = make_uscc("92", "330424", "MA2B0001")
    entity_record_save(
        actor="test",
        uscc=uscc,
        name="海盐丽华小吃店",
        entity_type="个体工商户",
        legal_representative="朱丽华",
        address="海盐县武原街道老街5号",
        established_on=datetime.date(2020, 5, 1),
    )
    shop = legal_person_register(
        uscc=uscc, name="海盐丽华小吃店", entity_type="个体工商户", representative=citizen.person
    )
    agent = person_factory(name="王五", level="L2")
    agent_authorise(actor=citizen, legal_person=shop, agent=agent.person)

    page = my_data(client, citizen)
    assert "海盐丽华小吃店" in page and "海盐县武原街道老街5号" in page
    assert "法人基础信息" not in my_data(client, agent)

    client.force_login(citizen)
    response = client.post(
        "/api/v1/objections",
        {
            "dataset": "ENT-BASE",
            "key": uscc,
            "fields": {"address": "海盐县武原街道老街7号"},
            "statement": "门牌号登记有误，应为7号。",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert DataObjection.objects.get().subject_type == "legal"


def test_the_workbench_home_lists_objections_to_answer(client, citizen, officer, token_for):
    public_id = file_by_api(client, citizen, token_for).json()["id"]
    client.force_login(officer)
    todo = client.get("/workbench/").content.decode()
    todo = todo[todo.index('data-testid="todo"') :]
    assert "待答复的数据异议" in todo and "1 件待办" in todo and "超期" not in todo
    DataObjection.objects.filter(public_id=public_id).update(due_on="2026-01-05")
    assert "1 件超期" in client.get("/workbench/").content.decode()


def test_further_material_is_asked_in_the_workbench_and_sent_from_the_portal(
    client, citizen, officer, png, token_for, pop_base
):
    from onetrip.objections import services

    objection = services.objection_file(
        actor=citizen,
        dataset=pop_base,
        key=citizen.person.id_number,
        proposed={"address": "海盐县武原街道新桥北路8号"},
        statement="我已于今年迁居。",
    )
    work = f"/workbench/objections/{objection.public_id}/"
    client.force_login(officer)
    refused = client.post(work + "request-more/", {"request_note": ""})
    assert refused.status_code == 422 and "请写明当事人需补充的材料" in refused.content.decode()
    client.post(work + "request-more/", {"request_note": "请提供租赁合同。"})
    page = client.get(work).content.decode()
    assert "时限暂停：等待补充材料" in page and 'data-testid="request-more"' not in page

    mine = f"/me/data/objections/{objection.public_id}/"
    client.force_login(citizen)
    page = client.get(mine).content.decode()
    assert "请提供租赁合同。" in page and 'data-testid="supply-section"' in page
    empty = client.post(mine + "supply/", {"more_note": ""})
    assert empty.status_code == 422 and "请填写补充说明或上传文件" in empty.content.decode()
    sent = client.post(mine + "supply/", {"more_note": "附租赁合同。", "more_evidence": png})
    assert sent.status_code == 302
    page = client.get(mine).content.decode()
    assert "附租赁合同。" in page and 'data-testid="supply-section"' not in page
    assert "户口簿.png" in page

    answer = client.post(
        f"/api/v1/objections/{objection.public_id}/request-more",
        {"note": "再补一份"},
        content_type="application/json",
        **token_for(officer),
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "objections.more_already_requested"
    shown = client.get(f"/api/v1/objections/{objection.public_id}", **token_for(citizen)).json()
    assert shown["more_request"] == "请提供租赁合同。" and shown["more_answer"] == "附租赁合同。"
    assert shown["awaiting_more"] is False
