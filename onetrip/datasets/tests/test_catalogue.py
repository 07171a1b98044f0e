import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from onetrip.core.errors import DomainError, PermissionDenied
from onetrip.core.models import AuditEntry
from onetrip.datasets import services, xlsx
from onetrip.datasets.models import Dataset, DatasetField, DatasetRecord

from .conftest import DATA

pytestmark = pytest.mark.django_db
DEMO = DATA / "datasets" / "330424.json"


def _fields():
    return [
        {"name": "id", "label": "编号"},
        {"name": "name", "label": "名称"},
        {"name": "phone", "label": "电话", "sensitivity": 4, "masking_rule": "phone"},
    ]


def _make(actor, owner, code="TEST-SET"):
    dataset = services.dataset_create(
        actor=actor, code=code, owner=owner, name="测试数据集", sharing_class="free"
    )
    services.dataset_fields_set(actor=actor, dataset=dataset, fields=_fields())
    return services.dataset_update(actor=actor, dataset=dataset, key_field="id")


def test_owner_data_officer_creates_and_edits_with_audit(officer_of):
    officer = officer_of("县卫生健康局")
    owner = officer.staff.department
    dataset = _make(officer, owner)
    assert [f.name for f in dataset.fields.all()] == ["id", "name", "phone"]
    assert dataset.key_field == "id"
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"datasets.dataset.create", "datasets.fields.set", "datasets.dataset.update"} <= actions


def test_non_data_officers_and_other_departments_cannot_edit(officer_of):
    owner_officer = officer_of("县卫生健康局")
    dataset = _make(owner_officer, owner_officer.staff.department)
    reviewer = officer_of("县卫生健康局", roles=("reviewer", "department_head"))
    stranger = officer_of("县教育局")
    for actor in (reviewer, stranger):
        with pytest.raises(PermissionDenied):
            services.dataset_update(actor=actor, dataset=dataset, name="改名")
        with pytest.raises(PermissionDenied):
            services.dataset_fields_set(actor=actor, dataset=dataset, fields=_fields()[:2])
        with pytest.raises(PermissionDenied):
            services.dataset_create(
                actor=actor, code="OTHER", owner=dataset.owner, name="别人的数据集"
            )
    dataset.refresh_from_db()
    assert dataset.name == "测试数据集" and dataset.fields.count() == 3


def test_sensitive_field_needs_a_mask_and_the_key_field_must_stay(officer_of):
    officer = officer_of("县卫生健康局")
    dataset = _make(officer, officer.staff.department)
    with pytest.raises(DomainError) as refused:
        services.dataset_fields_set(
            actor=officer,
            dataset=dataset,
            fields=[*_fields(), {"name": "id_number", "label": "身份证", "sensitivity": 4}],
        )
    assert refused.value.detail["fields"][0]["index"] == 3
    assert "masking_rule" in refused.value.detail["fields"][0]
    with pytest.raises(DomainError):
        services.dataset_fields_set(actor=officer, dataset=dataset, fields=_fields()[1:])
    assert dataset.fields.count() == 3


def test_excel_round_trip(officer_of):
    officer = officer_of("县卫生健康局")
    dataset = _make(officer, officer.staff.department)
    content = xlsx.export_build(datasets=Dataset.objects.filter(pk=dataset.pk))
    sheet = load_workbook(io.BytesIO(content))["数据集"]
    assert sheet["A3"].value == "TEST-SET" and sheet["F3"].value == "无条件共享"
    dataset.delete()
    result = xlsx.datasets_import_xlsx(
        actor=officer, department=officer.staff.department, content=content
    )
    assert result.created == ["TEST-SET"]
    again = Dataset.objects.get(code="TEST-SET")
    assert again.sharing_class == "free" and again.key_field == "id"
    phone = again.fields.get(name="phone")
    assert (phone.sensitivity, phone.masking_rule) == (4, "phone")
    second = xlsx.datasets_import_xlsx(
        actor=officer, department=officer.staff.department, content=content
    )
    assert second.unchanged == ["TEST-SET"]


def test_excel_import_reports_every_cell_and_writes_nothing(officer_of):
    officer = officer_of("县卫生健康局")
    workbook = load_workbook(io.BytesIO(xlsx.template_build()))
    datasets, fields = workbook["数据集"], workbook["字段"]
    datasets.append(
        ["GOOD-ONE", "好数据集", "县卫生健康局", "", "每月", "无条件共享", "无条件开放"]
    )
    datasets.append(["BAD-ONE", "", "县教育局", "", "每月", "随便共享", "无条件开放"])
    fields.append(["GOOD-ONE", "id", "编号", "文本", 1, "不脱敏"])
    fields.append(["GOOD-ONE", "id_number", "身份证", "文本", 4, "不脱敏"])
    fields.append(["NOPE", "x", "X", "文本", 1, "不脱敏"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(DomainError) as refused:
        xlsx.datasets_import_xlsx(
            actor=officer, department=officer.staff.department, content=buffer.getvalue()
        )
    errors = {(e["sheet"], e["row"], e["field"]) for e in refused.value.detail["errors"]}
    assert errors == {
        ("数据集", 4, "name"),
        ("数据集", 4, "owner"),
        ("数据集", 4, "sharing_class"),
        ("字段", 4, "masking_rule"),
        ("字段", 5, "code"),
    }
    column = next(e for e in refused.value.detail["errors"] if e["field"] == "sharing_class")
    assert column["column"] == "F（共享属性）"
    assert not Dataset.objects.exists()


def test_excel_import_refuses_a_file_that_is_not_a_workbook(officer_of):
    officer = officer_of("县卫生健康局")
    with pytest.raises(DomainError) as refused:
        xlsx.datasets_import_xlsx(
            actor=officer, department=officer.staff.department, content=b"not excel"
        )
    assert refused.value.code == "datasets.not_a_workbook"


def test_demo_catalogue_loads_idempotently(county, capsys):
    call_command("datasets", "load", str(DEMO))
    assert "created" in capsys.readouterr().out
    counts = (Dataset.objects.count(), DatasetField.objects.count(), DatasetRecord.objects.count())
    ids = set(DatasetRecord.objects.values_list("public_id", flat=True))
    assert counts[0] >= 20 and counts[2] >= 1000
    audit_count = AuditEntry.objects.count()
    result = services.datasets_load(path=DEMO, actor="test")
    assert result.created == [] and result.updated == []
    assert (
        Dataset.objects.count(),
        DatasetField.objects.count(),
        DatasetRecord.objects.count(),
    ) == counts
    assert set(DatasetRecord.objects.values_list("public_id", flat=True)) == ids
    assert AuditEntry.objects.count() == audit_count + 1  # only the load itself
    pop = Dataset.objects.get(code="POP-BASE")
    assert (pop.owner.short_name, pop.source, pop.key_field) == (
        "县公安局",
        "population",
        "id_number",
    )
    assert (pop.sharing_class, pop.opening_class) == ("on_approval", "closed")
    assert pop.fields.get(name="birth_date").masking_rule == "date_year"
    ent = Dataset.objects.get(code="ENT-BASE")
    assert (ent.owner.short_name, ent.key_field, ent.opening_class) == (
        "县市场监管局",
        "uscc",
        "open",
    )
    assert ent.fields.get(name="legal_representative").masking_rule == "name"
    assert Dataset.objects.get(code="CREDIT-BASE").source == "credit"
    assert {"free", "on_approval", "not_shared"} <= set(
        Dataset.objects.values_list("sharing_class", flat=True)
    )


def test_loader_reports_an_unknown_file(tmp_path, county):
    bad = tmp_path / "x.json"
    bad.write_text('{"format": "other"}', encoding="utf-8")
    with pytest.raises(DomainError):
        services.datasets_load(path=bad, actor="test")
