"""Excel workbooks for import templates and exports (openpyxl): one layout for every catalogue.

Each sheet has a Chinese header row, a small grey row with the machine keys (what an import
reads), then data from FIRST_DATA_ROW; columns with choices get a drop-down list.
"""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .errors import DomainError

FIRST_DATA_ROW = 3
MAX_ROWS = 5000

# A sheet: (title, [(key, header, choices: {value: label} or None), ...])
SheetSpec = tuple[str, list[tuple[str, str, dict | None]]]


def template_workbook(sheets: list[SheetSpec]) -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, columns in sheets:
        sheet = workbook.create_sheet(title)
        for index, (key, header, choices) in enumerate(columns, start=1):
            cell = sheet.cell(row=1, column=index, value=header)
            cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DDE7F7")
            sheet.cell(row=2, column=index, value=key).font = Font(color="888888", size=8)
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = max(10, min(40, len(header) * 2 + 4))
            if choices:
                validation = DataValidation(
                    type="list",
                    formula1='"' + ",".join(choices.values()) + '"',
                    allow_blank=True,
                    showErrorMessage=True,
                    errorTitle=header,
                    error=_("Please choose from the list."),
                )
                sheet.add_data_validation(validation)
                validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{MAX_ROWS}")
        sheet.freeze_panes = f"B{FIRST_DATA_ROW}"
    return workbook


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def cell_text(value) -> str:
    """A cell as the text a person typed (Excel turns 12 into 12.0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def column_label(columns, key: str) -> str:
    """Where a person finds the column: 'E（事项类型）'."""
    for index, (name, header, _choices) in enumerate(columns, start=1):
        if name == key:
            return f"{get_column_letter(index)}（{header}）"
    return ""


def import_problem(sheet: str, row: int, columns, key: str, message) -> dict:
    """One import error, named by sheet, row, column and field."""
    return {
        "sheet": sheet,
        "row": row,
        "column": column_label(columns, key),
        "field": key,
        "message": str(message),
    }


def workbook_open(content: bytes, *, sheets: list[str], code_prefix: str):
    """Opens an uploaded workbook for reading, or refuses it with a clear 4xx error."""
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged or foreign file
        raise DomainError(
            f"{code_prefix}.not_a_workbook",
            _("The file is not an Excel workbook (.xlsx)."),
            detail={"error": type(exc).__name__},
        ) from exc
    missing = [name for name in sheets if name not in workbook.sheetnames]
    if missing:
        raise DomainError(
            f"{code_prefix}.sheet_missing",
            _("The workbook lacks a sheet of the template."),
            detail={"missing": missing},
        )
    return workbook
