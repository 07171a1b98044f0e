"""The statistics report as an Excel workbook (openpyxl): an overview sheet with the targets,
one row per department (county scope) and one row per matter."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from .selectors import Report


def _columns():
    return [
        ("submitted", _("Submitted")),
        ("accepted", _("Accepted")),
        ("finished", _("Finished")),
        ("withdrawn", _("Withdrawn")),
        ("on_time_rate", _("On-time rate")),
        ("avg_days", _("Average handling working days")),
        ("avg_promised_days", _("Average promised working days")),
        ("zero_trip_share", _("Share with 0 trips")),
        ("one_trip_share", _("Share with at most 1 trip")),
        ("online_share", _("Online share")),
        ("mobile_share", _("Mobile share")),
        ("rated", _("Ratings")),
        ("avg_level", _("Average rating")),
        ("satisfied_share", _("Share satisfied")),
    ]


PERCENT = {
    "on_time_rate",
    "zero_trip_share",
    "one_trip_share",
    "online_share",
    "mobile_share",
    "satisfied_share",
}


def _sheet(workbook, title, head, rows):
    sheet = workbook.create_sheet(title)
    columns = _columns()
    sheet.append([*head, *(label for _key, label in columns)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([*row["_head"], *(row.get(key) for key, _label in columns)])
        for index, (key, _label) in enumerate(columns, start=len(head) + 1):
            if key in PERCENT:
                sheet.cell(row=sheet.max_row, column=index).number_format = "0.0%"
    sheet.freeze_panes = "A2"
    return sheet


def report_workbook(report: Report) -> bytes:
    workbook = Workbook()
    overview = workbook.active
    overview.title = _("Overview")
    scope = report.scope.department.name if report.scope.department else _("Whole county")
    overview.append([_("Scope"), scope])
    overview.append([_("From"), report.from_on.isoformat()])
    overview.append([_("To"), report.to_on.isoformat()])
    overview.append([])
    for key, label in _columns():
        overview.append([label, report.totals.get(key)])
        if key in PERCENT:
            overview.cell(row=overview.max_row, column=2).number_format = "0.0%"
    overview.append([])
    targets = report.targets
    overview.append([_("Target"), _("Actual"), _("Goal"), _("Met")])
    overview.append(
        [
            _("Matters that can be finished on a phone"),
            targets["mobile_ready_share"],
            targets["mobile_ready_target"],
            _("yes") if targets["mobile_ready_met"] else _("no"),
        ]
    )
    overview.append(
        [
            _("Non-secret matters that can be applied for online"),
            targets["online_share"],
            targets["online_target"],
            _("yes") if targets["online_met"] else _("no"),
        ]
    )
    for row in overview.iter_rows(min_row=overview.max_row - 1, min_col=2, max_col=3):
        for cell in row:
            cell.number_format = "0.0%"
    overview.column_dimensions["A"].width = 36
    if report.departments:
        _sheet(
            workbook,
            _("Departments"),
            [_("Department code"), _("Department")],
            [{"_head": [row["code"], row["name"]], **row} for row in report.departments],
        )
    _sheet(
        workbook,
        _("Matters"),
        [_("Matter code"), _("Matter")],
        [{"_head": [row["code"], row["name"]], **row} for row in report.matters],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
