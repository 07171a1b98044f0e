"""REST endpoints of the e-archive, for a department's or the county archives' own system
(移交 and 利用): list the records in the caller's scope, read one (audited: it names the
applicant), take its package out for a stated purpose (registered as a use), and appraise a
record whose retention has ended (到期鉴定: an archivist's opinion, a head's approval)."""

import datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

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


class AppraisalOut(Schema):
    id: int
    decision: str  # keep | destroy
    years: int | None
    reason: str
    status: str  # proposed | approved | rejected
    proposed_by: str
    proposed_at: datetime.datetime
    decided_by: str | None
    decided_at: datetime.datetime | None
    note: str


class AppraisalIn(Schema):
    decision: str
    reason: str = ""
    years: int | None = None  # keep longer: 1–30


class DecisionIn(Schema):
    approve: bool
    note: str = ""  # required to reject


class RecordDetailOut(RecordOut):
    title: str
    applicant: ApplicantOut
    checks: list[CheckOut]
    appraisals: list[AppraisalOut]


def _appraisal_out(appraisal) -> dict:
    return {
        "id": appraisal.pk,
        "decision": appraisal.decision,
        "years": appraisal.years,
        "reason": appraisal.reason,
        "status": appraisal.status,
        "proposed_by": str(appraisal.proposed_by),  # the staff member's name
        "proposed_at": appraisal.proposed_at,
        "decided_by": str(appraisal.decided_by) if appraisal.decided_by else None,
        "decided_at": appraisal.decided_at,
        "note": appraisal.note,
    }


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


def _record_for(request, code: str) -> ArchiveRecord:
    _require_viewer(request.user)
    return selectors.record_get_for_staff(
        user=request.user, code=code, request=request, purpose="archive API"
    )


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
    """One record with its applicant, its last ten checks and its appraisals (an audited
    read)."""
    record = _record_for(request, code)
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
        "appraisals": [
            _appraisal_out(a) for a in record.appraisals.select_related("proposed_by", "decided_by")
        ],
    }


@router.post("archive/records/{code}/appraisals", response={201: AppraisalOut})
def record_appraise(request, code: str, payload: AppraisalIn):
    """An archivist's appraisal opinion (archive.appraise) on a record whose retention has
    ended: `keep` for `years` more (1–30) or `destroy`, with a `reason`. It waits for a head of
    the record's department. 409 `archive.not_due` / `archive.appraisal_open` /
    `archive.destroyed`, 422 for a bad decision, years or a missing reason."""
    appraisal = services.appraisal_propose(
        actor=request.user,
        record=_record_for(request, code),
        decision=payload.decision,
        years=payload.years,
        reason=payload.reason,
        request=request,
    )
    return Status(201, _appraisal_out(appraisal))


@router.post("archive/records/{code}/appraisals/{appraisal_id}/decision", response=AppraisalOut)
def appraisal_decide(request, code: str, appraisal_id: int, payload: DecisionIn):
    """A head of the record's department (archive.approve), not the one who appraised, approves
    the opinion (keep: the retention is extended; destroy: the package is deleted, the row kept
    in the destruction register) or rejects it with a `note`. 409 `archive.same_person` /
    `archive.appraisal_closed`."""
    record = _record_for(request, code)
    appraisal = selectors.appraisal_of(record=record, pk=appraisal_id)
    decided = services.appraisal_decide(
        actor=request.user,
        appraisal=appraisal,
        approve=payload.approve,
        note=payload.note,
        request=request,
    )
    return _appraisal_out(decided)


@router.get("archive/records/{code}/package", response={200: None})
def record_package(request, code: str, purpose: str = ""):
    """The archival information package (ZIP) for a stated `purpose` (利用目的, required:
    422 `archive.purpose_required`), registered as a use of the record."""
    record = _record_for(request, code)
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
