"""Excel round trip: template → fill → import → export; per-cell errors with nothing imported."""

import io

import pytest
from openpyxl import load_workbook

from onetrip.catalogue import services
from onetrip.catalogue.models import Matter, MatterVersion, VersionStatus
from onetrip.catalogue.xlsx import FIRST_DATA_ROW

pytestmark = pytest.mark.django_db

MATTER_ROW = {
    "code": "HY-X-001",
    "department": "",  # filled per test
    "name": "食品经营许可",
    "matter_type": "行政许可",
    "applicant_kind": "自然人和法人",
    "keywords": "开饭店 餐饮",
    "accept_condition": "具有与经营的食品品种相适应的场所",
    "legal_days": 20,
    "promised_days": 3,
    "max_trips": 1,
    "online": "是",
    "mobile_ready": "是",
    "counter": "是",
    "is_fee": "否",
    "steps": "受理(accept) → 现场核查(inspection) → 决定(decision)",
    "place": "县行政服务中心",
    "consult_phone": "0573-86012315",
    "legal_basis": "《中华人民共和国食品安全法》第三十五条",
    "required_level": "L2",
    "result_name": "食品经营许可证",
    "licence_type_code": "SPJYXKZ",
    "is_secret": "否",
}


def _template(client, user):
    client.force_login(user)
    response = client.get("/api/v1/catalogue/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def _fill(workbook, *, matters, materials=(), forms=()):
    for sheet_name, rows in (("事项", matters), ("材料", materials), ("表单字段", forms)):
        sheet = workbook[sheet_name]
        keys = [cell.value for cell in sheet[2]]
        for offset, row in enumerate(rows):
            for column, key in enumerate(keys, start=1):
                if key in row:
                    sheet.cell(row=FIRST_DATA_ROW + offset, column=column, value=row[key])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "catalogue.xlsx"
    return buffer


def test_template_has_chinese_headers_and_choice_lists(client, editor):
    workbook = _template(client, editor)
    assert workbook.sheetnames == ["事项", "材料", "表单字段"]
    headers = [cell.value for cell in workbook["事项"][1]]
    assert headers[:5] == ["事项编码", "实施部门", "基本编码", "事项名称", "事项类型"]
    assert "承诺时限（工作日）" in headers
    lists = [dv.formula1 for dv in workbook["事项"].data_validations.dataValidation]
    assert '"行政许可,行政给付,行政确认,公共服务,其他"' in lists
    assert '"原件,复印件,电子"' in [
        dv.formula1 for dv in workbook["材料"].data_validations.dataValidation
    ]


def test_template_fill_import_export_round_trip(client, editor, supervisor):
    department = editor.staff.department
    workbook = _template(client, editor)
    upload = _fill(
        workbook,
        matters=[{**MATTER_ROW, "department": department.code}],
        materials=[
            {
                "code": "HY-X-001",
                "name": "营业执照",
                "form": "原件",
                "copies": 1,
                "is_required": "是",
                "source": "电子证照",
                "source_ref": "YYZZ",
                "is_tolerable": "否",
            },
            {
                "code": "HY-X-001",
                "name": "食品安全管理制度",
                "form": "电子",
                "copies": 1,
                "is_required": "是",
                "source": "申请人提供",
                "is_tolerable": "是",
                "commitment": "本单位承诺已建立食品安全管理制度。",
            },
            {
                "code": "HY-X-001",
                "name": "经营者身份证件",
                "form": "原件",
                "copies": 1,
                "is_required": "是",
                "source": "共享数据",
                "source_ref": "POP-BASE.id_number",
                "source_fields": "name | address",
                "is_tolerable": "否",
            },
        ],
        forms=[
            {
                "code": "HY-X-001",
                "name": "shop_address",
                "label": "经营场所",
                "type": "文本",
                "required": "是",
            },
            {
                "code": "HY-X-001",
                "name": "phone",
                "label": "联系电话",
                "type": "手机号",
                "required": "是",
                "prefill": "申请人手机号码",
            },
            {
                "code": "HY-X-001",
                "name": "main_business",
                "label": "主体业态",
                "type": "选项",
                "required": "是",
                "choices": "食品销售经营者|餐饮服务经营者",
            },
        ],
    )
    response = client.post("/api/v1/catalogue/import.xlsx", {"file": upload})
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 1, "updated": 0, "unchanged": 0}

    version = MatterVersion.objects.get(matter__code="HY-X-001")
    assert version.status == VersionStatus.DRAFT  # a supervisor publishes
    assert (version.matter_type, version.applicant_kind) == ("licensing", "both")
    assert [s["key"] for s in version.steps] == ["accept", "inspection", "decision"]
    assert version.form_schema[1]["prefill"] == "applicant.phone"
    assert version.form_schema[2]["choices"] == ["食品销售经营者", "餐饮服务经营者"]
    materials = list(version.materials.all())
    assert [(m.name, m.form, m.source, m.is_tolerable, m.commitment) for m in materials] == [
        ("营业执照", "original", "licence", False, ""),
        ("食品安全管理制度", "electronic", "none", True, "本单位承诺已建立食品安全管理制度。"),
        ("经营者身份证件", "original", "registry", False, ""),
    ]
    assert materials[2].dataset_fields == ["id_number", "name", "address"]

    exported = client.get("/api/v1/catalogue/export.xlsx")
    assert exported.status_code == 200
    again = load_workbook(io.BytesIO(exported.content))
    row = {
        k.value: v.value
        for k, v in zip(again["事项"][2], again["事项"][FIRST_DATA_ROW], strict=True)
    }
    assert row["name"] == "食品经营许可" and row["matter_type"] == "行政许可"
    assert row["steps"] == MATTER_ROW["steps"]
    headers = [cell.value for cell in again["材料"][1]]
    assert "所需字段（用|分隔）" in headers
    fields_column = [cell.value for cell in again["材料"][2]].index("source_fields")
    assert again["材料"].cell(FIRST_DATA_ROW + 2, fields_column + 1).value == "name|address"

    # Importing the export changes nothing; publishing then leaves the guide as imported.
    reimport = io.BytesIO(exported.content)
    reimport.name = "again.xlsx"
    response = client.post("/api/v1/catalogue/import.xlsx", {"file": reimport})
    assert response.json() == {"created": 0, "updated": 0, "unchanged": 1}
    published = services.matter_version_publish(actor=supervisor, version=version)
    assert services.version_as_guide(published) == services.version_as_guide(version)


def test_errors_per_cell_and_nothing_imported(client, editor):
    department = editor.staff.department
    workbook = _template(client, editor)
    good = {**MATTER_ROW, "department": department.code}
    bad = {
        **MATTER_ROW,
        "code": "HY-X-002",
        "department": department.code,
        "matter_type": "行政审批",
        "promised_days": 30,
        "legal_days": 20,
        "online": "也许",
    }
    upload = _fill(
        workbook,
        matters=[good, bad],
        materials=[
            {"code": "HY-X-001", "name": "营业执照", "form": "扫描件"},
            {"code": "HY-X-404", "name": "无主材料", "form": "原件"},
        ],
    )
    response = client.post("/api/v1/catalogue/import.xlsx", {"file": upload})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "catalogue.import_failed"
    cells = {(e["sheet"], e["row"], e["column"].split("（")[0]) for e in body["detail"]["errors"]}
    assert ("事项", 4, "E") in cells  # matter_type of the second matter
    assert ("事项", 4, "J") in cells  # promised_days beyond the legal limit
    assert ("事项", 4, "L") in cells  # online: 也许
    assert ("材料", 3, "C") in cells  # material form 扫描件
    assert ("材料", 4, "A") in cells  # code of no matter on the sheet
    assert all(e["message"] for e in body["detail"]["errors"])
    assert not Matter.objects.exists()  # the good row was not imported either


def test_another_departments_rows_are_refused(client, editor, staff_factory):
    other = staff_factory(department="县卫生健康局", roles=("reviewer",)).user
    workbook = _template(client, editor)
    upload = _fill(workbook, matters=[{**MATTER_ROW, "department": other.staff.department.code}])
    response = client.post("/api/v1/catalogue/import.xlsx", {"file": upload})
    assert response.status_code == 400
    errors = response.json()["detail"]["errors"]
    assert errors[0]["field"] == "department" and errors[0]["row"] == FIRST_DATA_ROW
    # and naming the other department explicitly is a permission refusal
    upload.seek(0)
    response = client.post(
        f"/api/v1/catalogue/import.xlsx?department={other.staff.department.code}", {"file": upload}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "catalogue.other_department"
    assert not Matter.objects.exists()


def test_a_file_that_is_not_a_workbook(client, editor):
    client.force_login(editor)
    upload = io.BytesIO(b"name,code\n1,2\n")
    upload.name = "catalogue.xlsx"
    response = client.post("/api/v1/catalogue/import.xlsx", {"file": upload})
    assert response.status_code == 400
    assert response.json()["code"] == "catalogue.not_a_workbook"


def test_anonymous_cannot_download_or_import(client):
    assert client.get("/api/v1/catalogue/template.xlsx").status_code == 401
    assert client.get("/api/v1/catalogue/export.xlsx").status_code == 401
