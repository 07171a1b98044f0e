"""The Excel round trip of a department's catalogue: template, import, export (openpyxl).

Three sheets: 事项 (one row per matter), 材料 (one row per material, by matter code) and
表单字段 (one row per form field). Row 1 holds the Chinese column names, row 2 the field keys
(so a sheet stays readable by programs); data starts on row 3. Choice columns carry Excel data
validation lists. Import is all-or-nothing: any problem is reported with its sheet, row and
column, and nothing is written.
"""

import re

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
from .guide import Problems, guide_clean
from .models import Matter

MATTER_SHEET, MATERIAL_SHEET, FORM_SHEET = "事项", "材料", "表单字段"

TYPE_LABELS = {
    "licensing": "行政许可",
    "benefit": "行政给付",
    "confirmation": "行政确认",
    "public_service": "公共服务",
    "other": "其他",
}
APPLICANT_LABELS = {"person": "自然人", "legal": "法人", "both": "自然人和法人"}
FORM_LABELS = {"original": "原件", "copy": "复印件", "electronic": "电子"}
SOURCE_LABELS = {"none": "申请人提供", "licence": "电子证照", "registry": "共享数据"}
PREFILL_LABELS = {
    "applicant.name": "申请人姓名",
    "applicant.id_number": "申请人身份证号码",
    "applicant.phone": "申请人手机号码",
    "entity.name": "单位名称",
    "entity.uscc": "统一社会信用代码",
    "entity.legal_representative": "法定代表人",
}
FIELD_TYPE_LABELS = {
    "text": "文本",
    "number": "数字",
    "date": "日期",
    "choice": "选项",
    "id_number": "身份证号",
    "phone": "手机号",
    "uscc": "统一社会信用代码",
}
YES_NO = {True: "是", False: "否"}

# (key, Chinese header, choice labels or None)
MATTER_COLUMNS = [
    ("code", "事项编码", None),
    ("department", "实施部门", None),
    ("catalog_code", "基本编码", None),
    ("name", "事项名称", None),
    ("matter_type", "事项类型", TYPE_LABELS),
    ("applicant_kind", "服务对象", APPLICANT_LABELS),
    ("keywords", "搜索关键词", None),
    ("accept_condition", "受理条件", None),
    ("legal_days", "法定时限（工作日）", None),
    ("promised_days", "承诺时限（工作日）", None),
    ("max_trips", "跑动次数", None),
    ("online", "网上办理", YES_NO),
    ("mobile_ready", "掌上办理", YES_NO),
    ("counter", "窗口办理", YES_NO),
    ("is_fee", "是否收费", YES_NO),
    ("fee_description", "收费说明", None),
    ("steps", "办理流程", None),
    ("place", "办理地点", None),
    ("hours", "办理时间", None),
    ("consult_phone", "咨询电话", None),
    ("complaint_phone", "投诉电话", None),
    ("legal_basis", "设定依据", None),
    ("required_level", "身份认证等级", {"L1": "L1", "L2": "L2", "L3": "L3"}),
    ("result_name", "办理结果", None),
    ("licence_type_code", "证照类型代码", None),
    ("is_secret", "涉密事项", YES_NO),
]
MATERIAL_COLUMNS = [
    ("code", "事项编码", None),
    ("name", "材料名称", None),
    ("form", "材料形式", FORM_LABELS),
    ("copies", "份数", None),
    ("is_required", "是否必需", YES_NO),
    ("source", "材料来源", SOURCE_LABELS),
    ("source_ref", "来源标识", None),
    ("source_fields", "所需字段（用|分隔）", None),
    ("is_tolerable", "可容缺", YES_NO),
    ("commitment", "告知承诺内容（填写即可承诺代替）", None),
]
FORM_COLUMNS = [
    ("code", "事项编码", None),
    ("name", "字段名", None),
    ("label", "标签", None),
    ("type", "类型", FIELD_TYPE_LABELS),
    ("required", "必填", YES_NO),
    ("choices", "选项（用|分隔）", None),
    ("prefill", "预填来源", PREFILL_LABELS),
]
SHEETS = [
    (MATTER_SHEET, MATTER_COLUMNS),
    (MATERIAL_SHEET, MATERIAL_COLUMNS),
    (FORM_SHEET, FORM_COLUMNS),
]
STEP = re.compile(r"^\s*(.+?)\s*[（(]\s*([a-z][a-z0-9_]*)\s*[)）]\s*$")


def steps_to_text(steps: list[dict]) -> str:
    return " → ".join(f"{step['name']}({step['key']})" for step in steps)


def steps_from_text(text: str) -> list:
    steps = []
    for part in re.split(r"\s*(?:→|->|＞|>)\s*", str(text or "").strip()):
        if not part:
            continue
        match = STEP.match(part)
        steps.append({"key": match.group(2), "name": match.group(1)} if match else part)
    return steps


def _new_workbook() -> Workbook:
    return template_workbook(SHEETS)


def template_build() -> bytes:
    """An empty catalogue workbook with headers and choice lists."""
    return workbook_bytes(_new_workbook())


def _cell_value(key: str, value, choices):
    if choices is YES_NO:
        return YES_NO[bool(value)]
    if choices:
        return choices.get(value, value)
    if key == "steps":
        return steps_to_text(value)
    if key == "source_fields":
        return "|".join(value or [])
    return value


def export_build(*, versions) -> bytes:
    """A workbook holding the given versions (each matter's draft or current guide)."""
    workbook = _new_workbook()
    matter_sheet, material_sheet, form_sheet = (workbook[name] for name, _cols in SHEETS)
    for version in versions:
        matter = version.matter
        row = {key: getattr(version, key, None) for key, _h, _c in MATTER_COLUMNS}
        row.update(
            code=matter.code, department=matter.department.code, catalog_code=matter.catalog_code
        )
        matter_sheet.append([_cell_value(k, row[k], c) for k, _h, c in MATTER_COLUMNS])
        for material in version.materials.all():
            values = {k: getattr(material, k, None) for k, _h, _c in MATERIAL_COLUMNS}
            values["code"] = matter.code
            material_sheet.append([_cell_value(k, values[k], c) for k, _h, c in MATERIAL_COLUMNS])
        for field in version.form_schema:
            values = {**field, "code": matter.code, "choices": "|".join(field.get("choices", []))}
            form_sheet.append([_cell_value(k, values.get(k), c) for k, _h, c in FORM_COLUMNS])
    return workbook_bytes(workbook)


def _reverse(choices: dict, value: str):
    """A cell's label back to its value ('是' → True, '行政许可' → 'licensing')."""
    if value == "":
        return None
    for key, label in choices.items():
        if value == label or value == str(key):
            return key
    return value  # left as written: guide_clean reports it


def _rows(sheet, columns):
    """(row number, {key: value}) for each non-empty data row."""
    for number, cells in enumerate(
        sheet.iter_rows(min_row=FIRST_DATA_ROW, max_col=len(columns), values_only=True),
        start=FIRST_DATA_ROW,
    ):
        values = {}
        for (key, _header, choices), raw in zip(columns, cells, strict=False):
            text = cell_text(raw)
            values[key] = _reverse(choices, text) if choices and text else text
        if any(v not in ("", None) for v in values.values()):
            yield number, values


def import_read(*, content: bytes, department: Department) -> tuple[list, list[dict]]:
    """Reads a workbook into checked entries; returns (entries, errors). Writes nothing."""
    errors: list[dict] = []

    def error(sheet, row, columns, key, message):
        errors.append(import_problem(sheet, row, columns, key, message))

    workbook = workbook_open(
        content, sheets=[name for name, _cols in SHEETS[:2]], code_prefix="catalogue"
    )
    matters: dict[str, dict] = {}
    for row, values in _rows(workbook[MATTER_SHEET], MATTER_COLUMNS):
        code = values["code"]
        if not code:
            error(MATTER_SHEET, row, MATTER_COLUMNS, "code", _("The matter code is missing."))
            continue
        if code in matters:
            error(MATTER_SHEET, row, MATTER_COLUMNS, "code", _("This matter code appears twice."))
            continue
        dept = values["department"]
        if dept and dept not in (department.code, department.name, department.short_name):
            error(
                MATTER_SHEET,
                row,
                MATTER_COLUMNS,
                "department",
                _("Only matters of %(department)s can be imported here.")
                % {"department": department.name},
            )
        values["steps"] = steps_from_text(values["steps"])
        matters[code] = {"row": row, "raw": values, "materials": [], "forms": []}
        if len(matters) > MAX_ROWS:
            break
    for sheet_name, columns, bucket in (
        (MATERIAL_SHEET, MATERIAL_COLUMNS, "materials"),
        (FORM_SHEET, FORM_COLUMNS, "forms"),
    ):
        if sheet_name not in workbook.sheetnames:
            continue
        for row, values in _rows(workbook[sheet_name], columns):
            code = values.pop("code")
            if code not in matters:
                error(
                    sheet_name, row, columns, "code", _("No matter with this code on sheet 事项.")
                )
                continue
            matters[code][bucket].append((row, values))
    foreign = Matter.objects.filter(code__in=list(matters)).exclude(department=department)
    for code in foreign.values_list("code", flat=True):
        error(
            MATTER_SHEET,
            matters[code]["row"],
            MATTER_COLUMNS,
            "code",
            _("This matter belongs to another department."),
        )
    entries = []
    for code, item in matters.items():
        raw = dict(item["raw"])
        raw["materials"] = [values for _row, values in item["materials"]]
        raw["form_schema"] = [values for _row, values in item["forms"]]
        guide, materials, problems = guide_clean(raw, problems=Problems())
        for problem in problems.items:
            if problem["part"] == "materials":
                row = item["materials"][problem["index"]][0]
                error(MATERIAL_SHEET, row, MATERIAL_COLUMNS, problem["field"], problem["message"])
            elif problem["part"] == "form":
                row = item["forms"][problem["index"]][0]
                error(FORM_SHEET, row, FORM_COLUMNS, problem["field"], problem["message"])
            else:
                error(
                    MATTER_SHEET, item["row"], MATTER_COLUMNS, problem["field"], problem["message"]
                )
        entries.append(
            services.Entry(
                code, department, guide, materials, item["raw"].get("catalog_code") or ""
            )
        )
    workbook.close()
    return entries, errors


@transaction.atomic
def catalogue_import_xlsx(
    *, actor, department: Department, content: bytes, request=None
) -> services.LoadResult:
    """Imports a department's catalogue workbook as drafts (a supervisor publishes them).
    All or nothing: with any error nothing is written and every error is reported."""
    services._require_editor(actor, department)
    entries, errors = import_read(content=content, department=department)
    if errors:
        raise DomainError(
            "catalogue.import_failed",
            _("The workbook has mistakes; nothing was imported."),
            detail={"errors": errors},
        )
    result = services.LoadResult()
    services.entries_write(entries=entries, actor=actor, publish=False, result=result)
    audit.record(
        actor=actor,
        action="catalogue.import.xlsx",
        target=department,
        target_id=department.code,
        detail=result.as_dict(),
        request=request,
    )
    return result
