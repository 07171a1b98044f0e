"""The archive list as an Excel file: with `?appraisal=destroyed` it is the destruction register
(销毁清册) the archives keep on paper, signed; otherwise the catalogue of the records found.
Names are masked as on the screen and no ID number is written; the export is audited."""

from dataclasses import asdict

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from onetrip.core import audit
from onetrip.core.xlsx import workbook_bytes
from onetrip.datasets.masking import mask
from onetrip.datasets.models import MaskingRule

from . import selectors
from .models import AppraisalStatus, ArchiveAppraisal

EXPORT_MAX_ROWS = 5000


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _row(record) -> list:
    decided = next(iter(record.decided), None)  # the newest approved appraisal
    name = record.subject_name
    if record.subject_type == "person" and not record.destroyed_at:
        name = mask(name, MaskingRule.NAME)
    return [
        record.code,
        f"{name}：{record.matter_name}",
        record.source_ref,
        record.get_retention_display(),
        record.retention_until or "",
        _when(record.archived_at),
        record.package_sm3,
        _when(record.destroyed_at),
        decided.get_decision_display() if decided else "",
        decided.reason if decided else "",
        str(decided.proposed_by) if decided else "",
        str(decided.decided_by) if decided else "",
    ]


def records_workbook(*, user, filters: selectors.RecordFilter, request=None) -> bytes:
    approved = ArchiveAppraisal.objects.filter(status=AppraisalStatus.APPROVED).select_related(
        "proposed_by", "decided_by"
    )
    records = list(
        selectors.record_list_for_staff(user=user, filters=filters).prefetch_related(
            Prefetch("appraisals", queryset=approved, to_attr="decided")
        )[:EXPORT_MAX_ROWS]
    )
    workbook = Workbook()
    sheet = workbook.active
    destroyed = filters.appraisal == "destroyed"
    sheet.title = _("Destruction register") if destroyed else _("Archive records")
    sheet.append(
        [
            _("Archive code"),
            _("Title"),
            _("Case number"),
            _("Retention period"),
            _("Kept until the end of"),
            _("Archived at"),
            _("Package SM3"),
            _("Destroyed at"),
            _("Appraisal"),
            _("Reason"),
            _("Appraised by"),
            _("Approved by"),
        ]
    )
    for record in records:
        sheet.append(_row(record))
    audit.record(
        actor=user,
        action="archive.export",
        purpose="archive register export",
        request=request,
        detail={**asdict(filters), "rows": len(records)},
    )
    return workbook_bytes(workbook)
