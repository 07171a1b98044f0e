import io

import pytest
from openpyxl import load_workbook

from onetrip.datasets import services, xlsx
from onetrip.datasets.models import Dataset

from .conftest import DEMO_FILE

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(county):
    services.datasets_load(path=DEMO_FILE, actor="test")


def test_staff_browse_and_filter(client, catalogue, officer_of):
    client.force_login(officer_of("县教育局", roles=("window_clerk",)))
    page = client.get("/workbench/datasets/", {"opening": "open", "q": "公厕"}).content.decode()
    assert "PUB-TOILET" in page and "POP-BASE" not in page
    page = client.get("/workbench/datasets/", {"department": "330424-GAJ"}).content.decode()
    assert "POP-BASE" in page and "ENT-BASE" not in page
    page = client.get("/workbench/datasets/", {"sharing": "not_shared"}).content.decode()
    assert "HOUSING-SUBSIDY" in page and "PUB-TOILET" not in page
    detail = client.get("/workbench/datasets/POP-BASE/").content.decode()
    assert "id_number" in detail and "/workbench/datasets/POP-BASE/edit/" not in detail
    assert client.get("/workbench/datasets/NOPE/").status_code == 404
    export = client.get("/workbench/datasets/", {"format": "xlsx", "q": "学校"})
    sheet = load_workbook(io.BytesIO(export.content))["数据集"]
    assert [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)] == ["SCHOOL-LIST"]


def test_citizens_and_anonymous_cannot_browse(client, catalogue, person_factory):
    assert client.get("/workbench/datasets/").status_code == 302
    client.force_login(person_factory())
    assert client.get("/workbench/datasets/").status_code == 403


def test_edit_pages_only_for_the_owner_data_officer(client, catalogue, officer_of):
    client.force_login(officer_of("县教育局"))
    assert client.get("/workbench/datasets/POP-BASE/edit/").status_code == 403
    assert client.post("/workbench/datasets/POP-BASE/fields/", {}).status_code == 403
    client.force_login(officer_of("县公安局", roles=("reviewer",)))
    assert client.get("/workbench/datasets/POP-BASE/edit/").status_code == 403
    client.force_login(officer_of("县公安局"))
    form = client.get("/workbench/datasets/POP-BASE/edit/")
    assert form.status_code == 200
    response = client.post(
        "/workbench/datasets/POP-BASE/edit/",
        {
            "name": "人口综合库（户籍）",
            "update_cycle": "daily",
            "sharing_class": "on_approval",
            "opening_class": "closed",
            "source": "population",
            "key_field": "id_number",
            "themes": "人口, 基础数据库",
        },
    )
    assert response.status_code == 302
    dataset = Dataset.objects.get(code="POP-BASE")
    assert dataset.name == "人口综合库（户籍）" and dataset.themes == ["人口", "基础数据库"]
    bad = client.post(
        "/workbench/datasets/POP-BASE/edit/",
        {
            "name": "x",
            "update_cycle": "daily",
            "sharing_class": "on_approval",
            "opening_class": "closed",
            "source": "population",
            "key_field": "no_such_field",
        },
    )
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()


def test_fields_page_saves_and_reports(client, catalogue, officer_of):
    client.force_login(officer_of("县教育局"))
    data = {"fields-TOTAL_FORMS": "2", "fields-INITIAL_FORMS": "0"}
    row = {"field_type": "string", "sensitivity": "1", "masking_rule": "none"}
    for i, (name, label) in enumerate([("id", "编号"), ("name", "学校名称")]):
        data |= {f"fields-{i}-{k}": v for k, v in {**row, "name": name, "label": label}.items()}
    response = client.post("/workbench/datasets/SCHOOL-LIST/fields/", data)
    assert response.status_code == 302, response.content.decode()[:6000]
    assert list(Dataset.objects.get(code="SCHOOL-LIST").fields.values_list("name", flat=True)) == [
        "id",
        "name",
    ]
    data["fields-1-sensitivity"] = "4"
    page = client.post("/workbench/datasets/SCHOOL-LIST/fields/", data)
    assert page.status_code == 200 and 'data-testid="errors"' in page.content.decode()


def test_import_page(client, county, officer_of):
    officer = officer_of("县教育局")
    client.force_login(officer)
    workbook = load_workbook(io.BytesIO(xlsx.template_build()))
    workbook["数据集"].append(
        ["EDU-NEW", "新数据集", "县教育局", "", "每年", "有条件共享", "不予开放"]
    )
    workbook["字段"].append(["EDU-NEW", "id", "编号", "文本", 1, "不脱敏"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.name = "datasets.xlsx"
    buffer.seek(0)
    page = client.post("/workbench/datasets/import/", {"file": buffer})
    assert page.status_code == 200, page.content.decode()[-2500:]
    assert 'data-testid="import-result"' in page.content.decode()
    assert Dataset.objects.get(code="EDU-NEW").owner == officer.staff.department
    junk = io.BytesIO(b"junk")
    junk.name = "x.xlsx"
    assert client.post("/workbench/datasets/import/", {"file": junk}).status_code == 400
    client.force_login(officer_of("县教育局", roles=("reviewer",)))
    assert client.get("/workbench/datasets/import/").status_code == 403
