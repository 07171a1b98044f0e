"""National item-exchange JSON: export, import, round trip."""

import io
import json

import pytest

from onetrip.catalogue import exchange, services
from onetrip.catalogue.models import Matter, MatterVersion

pytestmark = pytest.mark.django_db


def _upload(document, name="tasks.json"):
    buffer = io.BytesIO(json.dumps(document, ensure_ascii=False).encode())
    buffer.name = name
    return buffer


def test_export_uses_the_national_field_names(client, editor, supervisor, guide):
    guide.update(is_fee=True, fee_description="工本费10元")
    draft = services.matter_draft_create(
        actor=editor, code="HY-E-001", department=editor.staff.department, guide=guide
    )
    services.matter_version_publish(actor=supervisor, version=draft)
    client.force_login(editor)
    document = client.get("/api/v1/catalogue/exchange").json()
    task = document["data"][0]
    assert task["task_name"] == "个体工商户设立登记"
    assert task["task_code"] == "HY-E-001"
    assert task["task_type"] == "01"
    assert task["dept_code"] == editor.staff.department.code
    assert (task["anticipate_day"], task["promise_day"], task["limit_scene_num"]) == (15, 1, 0)
    assert task["is_fee"] == "1" and task["fee_project"][0]["fee_stand"] == "工本费10元"
    assert task["handle_type"] == "1,2" and task["online_handle_depth"] == "4"
    assert task["handle_flow"] == "受理→决定"
    assert task["server_type"] == "1"
    first = task["materials"][0]
    assert (
        first["material_name"],
        first["material_type"],
        first["page_num"],
        first["is_need"],
    ) == ("身份证件", "1", 1, "1")
    # The commitment (告知承诺) has no national field: it travels in our extension.
    assert task["materials"][1]["onetrip"]["commitment"].startswith("本人承诺经营场所真实")


def test_round_trip_through_the_exchange_format_loses_nothing(
    client, editor, supervisor, guide, staff_factory
):
    draft = services.matter_draft_create(
        actor=editor, code="HY-E-002", department=editor.staff.department, guide=guide
    )
    original = services.matter_version_publish(actor=supervisor, version=draft)
    document = exchange.export_build(versions=[original])

    # Into another department: the same guide, as a draft of a new matter.
    receiver = staff_factory(department="县卫生健康局", roles=("reviewer",)).user
    task = document["data"][0]
    task.update(
        task_code="HY-E-102",
        dept_code=receiver.staff.department.code,
        dept_name=receiver.staff.department.name,
    )
    client.force_login(receiver)
    response = client.post("/api/v1/catalogue/exchange", {"file": _upload(document)})
    assert response.status_code == 200, response.content
    copy = MatterVersion.objects.get(matter__code="HY-E-102")
    assert services.version_as_guide(copy) == services.version_as_guide(original)

    # Re-importing its own export into the same department changes nothing.
    client.force_login(editor)
    own = client.get("/api/v1/catalogue/exchange").json()
    response = client.post("/api/v1/catalogue/exchange", {"file": _upload(own)})
    assert response.json() == {"created": 0, "updated": 0, "unchanged": 1}


def test_a_plain_national_record_maps_to_our_fields(client, editor):
    department = editor.staff.department
    record = {
        "task_name": "食品经营许可（仅销售预包装食品备案）",
        "catalog_code": "330217004000",
        "task_code": "11330424MB1234567X4330117004001",
        "task_type": "1",
        "dept_name": department.name,
        "dept_code": department.code,
        "server_type": "1,2",
        "anticipate_day": "20",
        "promise_day": 5,
        "limit_scene_num": "0",
        "is_fee": "0",
        "handle_type": "1,2",
        "online_handle_depth": "4",
        "accept_condition": "已取得营业执照",
        "handle_flow": "受理→审查→决定",
        "transact_addr": "县行政服务中心",
        "link_way": "0573-86012315",
        "supervise_way": "0573-12345",
        "by_law": "《食品安全法》",
        "result_name": "备案回执",
        "materials": [
            {
                "material_name": "备案表",
                "material_type": "1",
                "material_format": "2",
                "page_num": "1",
                "is_need": "1",
            },
            {
                "material_name": "场所证明",
                "material_type": "2",
                "material_format": "1",
                "page_num": 2,
                "is_need": "0",
            },
        ],
    }
    client.force_login(editor)
    response = client.post("/api/v1/catalogue/exchange", {"file": _upload({"data": [record]})})
    assert response.status_code == 200, response.content
    version = MatterVersion.objects.get(matter__code=record["task_code"])
    assert version.matter.catalog_code == "330217004000"
    assert (version.matter_type, version.applicant_kind) == ("licensing", "both")
    assert (version.legal_days, version.promised_days, version.max_trips) == (20, 5, 0)
    assert version.online and version.counter and not version.is_fee
    assert [s["name"] for s in version.steps] == ["受理", "审查", "决定"]
    assert [(m.form, m.copies, m.is_required) for m in version.materials.all()] == [
        ("electronic", 1, True),
        ("copy", 2, False),
    ]


def test_bad_records_are_reported_by_national_field_and_nothing_imported(client, editor):
    department = editor.staff.department
    good = {
        "task_name": "甲",
        "task_code": "HY-E-301",
        "task_type": "20",
        "dept_code": department.code,
        "server_type": "1",
        "anticipate_day": 5,
        "promise_day": 1,
        "limit_scene_num": 0,
    }
    bad = {
        **good,
        "task_code": "HY-E-302",
        "promise_day": 9,
        "limit_scene_num": "两次",
        "materials": [{"material_name": ""}],
    }
    client.force_login(editor)
    response = client.post("/api/v1/catalogue/exchange", {"file": _upload([good, bad])})
    assert response.status_code == 400
    errors = response.json()["detail"]["errors"]
    fields = {(e.get("task_code"), e["field"]) for e in errors}
    assert {
        ("HY-E-302", "promise_day"),
        ("HY-E-302", "limit_scene_num"),
        ("HY-E-302", "material_name"),
    } <= fields
    assert not Matter.objects.exists()

    response = client.post("/api/v1/catalogue/exchange", {"file": _upload({"no": 1})})
    assert response.json()["code"] == "catalogue.invalid_exchange"
    broken = io.BytesIO(b"{not json")
    broken.name = "x.json"
    response = client.post("/api/v1/catalogue/exchange", {"file": broken})
    assert (response.status_code, response.json()["code"]) == (400, "catalogue.invalid_exchange")
