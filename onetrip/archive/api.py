"""REST endpoints of the e-archive, for a department's or the county archives' own system
(移交 and 利用): list the records in the caller's scope, read one (audited: it names the
applicant), take its package out for a stated purpose (registered as a use)."""

import datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Router, Schema

from onetrip.core.errors import DomainError, PermissionDenied
from onetrip.core.uploads import private_file_response
from onetrip.identity.api_auth import bearer_or_session

from . import policies, selectors, services
from .models import ArchiveRecord, UseAction

router = Router(tags=["e-archive"], auth=bearer_or_session)


class RecordOut(Schema):
    code: str
    department_code: str
    department: str
    year: int
    retention: str
    retention_until: int | None
    case_number: str
    matter_code: str
    matter_name: str
    outcome: str
    finished_on: datetime.date | None
    archived_at: datetime.datetime
    package_sm3: str
    package_size: int
    file_count: int
    chain_index: int
    chain_sm3: str
    last_check_at: datetime.datetime | None
    last_check_ok: bool | None
    destroyed_at: datetime.datetime | None  # after appraisal: the package is gone


class RecordPage(Schema):
    count: int
    page: int
    pages: int
    records: list[RecordOut]


class ApplicantOut(Schema):
    type: str
    id: str
    name: str


class CheckOut(Schema):
    at: datetime.datetime
    stage: str
    passed: bool
    findings: list[dict]


class RecordDetailOut(RecordOut):
    title: str
    applicant: ApplicantOut
    checks: list[CheckOut]


def _require_viewer(user) -> None:
    if not (getattr(user, "user_type", "") == "staff" and policies.may_view(user)):
        raise PermissionDenied(
            "archive.forbidden",
            _("Only archivists and department heads may use the e-archive."),
            detail={"permission": policies.VIEW},
        )


def _out(record: ArchiveRecord) -> dict:
    return {
        "code": record.code,
        "department_code": record.department.code,
        "department": record.department.name,
        "year": record.year,
        "retention": record.retention,
        "retention_until": record.retention_until,
        "case_number": record.source_ref,
        "matter_code": record.matter_code,
        "matter_name": record.matter_name,
        "outcome": record.outcome,
        "finished_on": record.finished_on,
        "archived_at": record.archived_at,
        "package_sm3": record.package_sm3,
        "package_size": record.package_size,
        "file_count": record.file_count,
        "chain_index": record.chain_index,
        "chain_sm3": record.chain_sm3,
        "last_check_at": record.last_check_at,
        "last_check_ok": record.last_check_ok,
        "destroyed_at": record.destroyed_at,
    }


@router.get("archive/records", response=RecordPage)
def records_list(
    request,
    q: str = "",
    year: int | None = None,
    appraisal: Literal["", "pending", "destroyed"] = "",
    page: int = 1,
):
    """The records of the caller's departments, newest first, 50 a page. `q`: archive code,
    case number, matter, or an applicant's name or ID number (a search for a person: audited).
    `appraisal`: `pending` (an opinion waits for approval) or `destroyed` (the destruction
    register). No personal data in the answer; read one record for that."""
    _require_viewer(request.user)
    filters = selectors.RecordFilter(q=q.strip()[:64], year=year, appraisal=appraisal)
    found = selectors.record_page_for_staff(
        user=request.user, filters=filters, page=page, request=request
    )
    return {
        "count": found.paginator.count,
        "page": found.number,
        "pages": found.paginator.num_pages,
        "records": [_out(record) for record in found],
    }


@router.get("archive/records/{code}", response=RecordDetailOut)
def record_get(request, code: str):
    """One record with its applicant and its last ten checks (an audited read)."""
    _require_viewer(request.user)
    record = selectors.record_get_for_staff(
        user=request.user, code=code, request=request, purpose="archive API"
    )
    return {
        **_out(record),
        "title": record.title,
        "applicant": {
            "type": record.subject_type,
            "id": record.subject_id,
            "name": record.subject_name,
        },
        "checks": [
            {"at": c.at, "stage": c.stage, "passed": c.passed, "findings": c.findings}
            for c in record.checks.all()[:10]
        ],
    }


@router.get("archive/records/{code}/package", response={200: None})
def record_package(request, code: str, purpose: str = ""):
    """The archival information package (ZIP) for a stated `purpose` (利用目的, required:
    422 `archive.purpose_required`), registered as a use of the record."""
    _require_viewer(request.user)
    record = selectors.record_get_for_staff(
        user=request.user, code=code, request=request, purpose="archive API"
    )
    body = selectors.package_open(record)
    try:
        services.record_use(
            actor=request.user,
            record=record,
            action=UseAction.DOWNLOAD_PACKAGE,
            purpose=purpose,
            request=request,
        )
    except DomainError:
        body.close()
        raise
    response = private_file_response(body, filename=f"{record.code}.zip")
    response["X-Archive-SM3"] = record.package_sm3
    return response
