"""The Excel round trip of a department's data catalogue: template, import, export (openpyxl).

Two sheets: 数据集 (one row per dataset) and 字段 (one row per field, by dataset code). Row 1
holds the Chinese column names, row 2 the attribute keys; data starts on row 3. Choice columns
carry Excel data validation lists. Import is all-or-nothing: every problem is reported with its
sheet, row and column (in Chinese), and nothing is written unless there is none.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook

from onetrip.core import audit
from onetrip.core.errors import DomainError
from onetrip.core.xlsx import (
    FIRST_DATA_ROW,
    MAX_ROWS,
    cell_text,
    import_problem,
    template_workbook,
    workbook_bytes,
    workbook_open,
)
from onetrip.departments.models import Department

from . import services
from .models import Dataset

DATASET_SHEET, FIELD_SHEET = "数据集", "字段"

SHARING = {"free": "无条件共享", "on_approval": "有条件共享", "not_shared": "不予共享"}
OPENING = {"open": "无条件开放", "conditional": "有条件开放", "closed": "不予开放"}
CYCLE = {
    "realtime": "实时",
    "daily": "每日",
    "weekly": "每周",
    "monthly": "每月",
    "quarterly": "每季度",
    "yearly": "每年",
    "irregular": "不定期",
}
SOURCE = {
    "records": "导入数据",
    "population": "人口综合库",
    "entities": "法人综合库",
    "credit": "公共信用信息库",
}
FIELD_TYPE = {
    "string": "文本",
    "integer": "整数",
    "decimal": "小数",
    "date": "日期",
    "datetime": "日期时间",
    "boolean": "是否",
    "geometry": "空间数据",
}
MASKING = {
    "none": "不脱敏",
    "id_number": "身份证号",
    "name": "姓名",
    "phone": "手机号",
    "address": "地址",
    "date_year": "仅保留年份",
    "full": "完全隐藏",
}
SENSITIVITY = {1: "1", 2: "2", 3: "3", 4: "4"}

DATASET_COLUMNS = [
    ("code", "数据集编码", None),
    ("name", "数据集名称", None),
    ("owner", "责任部门", None),
    ("description", "摘要", None),
    ("update_cycle", "更新周期", CYCLE),
    ("sharing_class", "共享属性", SHARING),
    ("opening_class", "开放属性", OPENING),
    ("legal_basis", "共享依据", None),
    ("source", "数据来源", SOURCE),
    ("key_field", "主键字段", None),
    ("keywords", "关键词", None),
    ("themes", "主题（用、分隔）", None),
]
FIELD_COLUMNS = [
    ("code", "数据集编码", None),
    ("name", "字段名", None),
    ("label", "中文名称", None),
    ("field_type", "数据类型", FIELD_TYPE),
    ("sensitivity", "敏感级别", SENSITIVITY),
    ("masking_rule", "脱敏规则", MASKING),
    ("description", "说明", None),
]
SHEETS = [(DATASET_SHEET, DATASET_COLUMNS), (FIELD_SHEET, FIELD_COLUMNS)]


def _new_workbook() -> Workbook:
    return template_workbook(SHEETS)


def template_build() -> bytes:
    """An empty catalogue workbook with headers and choice lists."""
    return workbook_bytes(_new_workbook())


def export_build(*, datasets) -> bytes:
    """A workbook holding the given datasets and their fields."""
    workbook = _new_workbook()
    dataset_sheet, field_sheet = workbook[DATASET_SHEET], workbook[FIELD_SHEET]
    for dataset in datasets:
        values = {key: getattr(dataset, key, "") for key, _h, _c in DATASET_COLUMNS}
        values["owner"] = dataset.owner.name
        values["themes"] = "、".join(dataset.themes or [])
        dataset_sheet.append(
            [
                choices.get(values[k], values[k]) if choices else values[k]
                for k, _h, choices in DATASET_COLUMNS
            ]
        )
        for item in dataset.fields.all():
            values = {key: getattr(item, key, "") for key, _h, _c in FIELD_COLUMNS}
            values["code"] = dataset.code
            field_sheet.append(
                [
                    choices.get(values[k], values[k]) if choices else values[k]
                    for k, _h, choices in FIELD_COLUMNS
                ]
            )
    return workbook_bytes(workbook)


def _reverse(choices: dict, text: str):
    for key, label in choices.items():
        if text in (label, str(key)):
            return key
    return None


def import_read(*, content: bytes, department: Department) -> tuple[list[dict], list[dict]]:
    """Reads a workbook into catalogue entries for `services.dataset_write`; returns (entries,
    errors). Each error names the sheet, row, column and what is wrong. Writes nothing."""
    errors: list[dict] = []

    def error(sheet, row, columns, key, message):
        errors.append(import_problem(sheet, row, columns, key, message))

    workbook = workbook_open(
        content, sheets=[name for name, _cols in SHEETS], code_prefix="datasets"
    )

    def rows(sheet_name, columns):
        sheet = workbook[sheet_name]
        for number, cells in enumerate(
            sheet.iter_rows(min_row=FIRST_DATA_ROW, max_col=len(columns), values_only=True),
            start=FIRST_DATA_ROW,
        ):
            values = {}
            for (key, _header, choices), raw in zip(columns, cells, strict=False):
                text = cell_text(raw)
                if choices and text:
                    value = _reverse(choices, text)
                    if value is None:
                        error(
                            sheet_name, number, columns, key, _("Choose one of the listed values.")
                        )
                    values[key] = value
                else:
                    values[key] = text
            if any(v not in ("", None) for v in values.values()):
                yield number, values

    entries: dict[str, dict] = {}
    for row, values in rows(DATASET_SHEET, DATASET_COLUMNS):
        code = str(values.pop("code") or "").upper()
        if not code:
            error(DATASET_SHEET, row, DATASET_COLUMNS, "code", _("The dataset code is missing."))
            continue
        if not services.CODE.match(code):
            error(
                DATASET_SHEET,
                row,
                DATASET_COLUMNS,
                "code",
                _("The code holds 2–64 capital letters, digits, - and _."),
            )
            continue
        if code in entries:
            error(
                DATASET_SHEET, row, DATASET_COLUMNS, "code", _("This dataset code appears twice.")
            )
            continue
        owner = values.pop("owner")
        if owner and owner not in (department.code, department.name, department.short_name):
            error(
                DATASET_SHEET,
                row,
                DATASET_COLUMNS,
                "owner",
                _("Only datasets of %(department)s can be imported here.")
                % {"department": department.name},
            )
        _clean, problems = services.dataset_clean(
            {k: v for k, v in values.items() if v is not None}
        )
        for key, message in problems.items():
            error(DATASET_SHEET, row, DATASET_COLUMNS, key, message)
        entries[code] = {
            "code": code,
            "owner": department.code,
            **values,
            "row": row,
            "fields": [],
            "field_rows": [],
        }
        if len(entries) > MAX_ROWS:
            break
    for row, values in rows(FIELD_SHEET, FIELD_COLUMNS):
        code = str(values.pop("code") or "").upper()
        if code not in entries:
            error(
                FIELD_SHEET,
                row,
                FIELD_COLUMNS,
                "code",
                _("No dataset with this code on sheet 数据集."),
            )
            continue
        entries[code]["fields"].append(values)
        entries[code]["field_rows"].append(row)
    foreign = Dataset.objects.filter(code__in=list(entries)).exclude(owner=department)
    for code in foreign.values_list("code", flat=True):
        error(
            DATASET_SHEET,
            entries[code]["row"],
            DATASET_COLUMNS,
            "code",
            _("This dataset belongs to another department."),
        )
    result = []
    for entry in entries.values():
        _cleaned, problems = services.fields_clean(entry["fields"])
        for index, found in problems:
            for key, message in found.items():
                error(FIELD_SHEET, entry["field_rows"][index], FIELD_COLUMNS, key, message)
        names = {f.get("name") for f in entry["fields"]}
        if entry.get("key_field") and entry["key_field"] not in names:
            error(
                DATASET_SHEET,
                entry["row"],
                DATASET_COLUMNS,
                "key_field",
                _("The key field must be one of the dataset's fields."),
            )
        entry.pop("field_rows")
        entry.pop("row")
        result.append({k: v for k, v in entry.items() if v is not None})
    workbook.close()
    errors.sort(key=lambda e: (e["sheet"] != DATASET_SHEET, e["row"], e["column"]))
    return result, errors


@transaction.atomic
def datasets_import_xlsx(
    *, actor, department: Department, content: bytes, request=None
) -> services.LoadResult:
    """Imports a department's catalogue workbook. All or nothing: with any error nothing is
    written and every error is reported (detail.errors)."""
    services.require_editor(actor, department)
    entries, errors = import_read(content=content, department=department)
    if errors:
        raise DomainError(
            "datasets.import_failed",
            _("The workbook has mistakes; nothing was imported."),
            detail={"errors": errors},
        )
    result = services.LoadResult()
    for entry in entries:
        services.dataset_write(actor=actor, entry=entry, result=result, request=request)
    audit.record(
        actor=actor,
        action="datasets.import.xlsx",
        target=department,
        target_id=department.code,
        detail=result.as_dict(),
        request=request,
    )
    return result
