"""Excel workbooks for import templates and exports (openpyxl): one layout for every catalogue.

Each sheet has a Chinese header row, a small grey row with the machine keys (what an import
reads), then data from FIRST_DATA_ROW; columns with choices get a drop-down list.
"""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

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
