"""REST endpoints for applications: read one case (applicant or staff in scope; 404 otherwise)
and move it along. Handlers only parse, select and call the services."""

import datetime

from ninja import Router, Schema, Status

from onetrip.exchange import selectors as exchange_selectors
from onetrip.identity.api_auth import bearer_or_session

from . import notices, policies, selectors, services
from .models import Application, CaseStatus

router = Router(tags=["applications"], auth=bearer_or_session)


class ApplicationOut(Schema):
    number: str
    matter_code: str
    matter_name: str
    department: str
    status: str
    status_label: str
    channel: str
    submitted_at: datetime.datetime | None
    accepted_on: datetime.date | None
    deadline: datetime.date | None
    deadline_provisional: bool
    colour: str | None
    current_step: str | None
    finished_at: datetime.datetime | None
    licence_number: str | None
    tracking_number: str | None
    withdrawn_at: datetime.datetime | None = None
    withdrawal_reason: str | None = None


class NoteIn(Schema):
    note: str = ""


class ReasonIn(Schema):
    reason: str


class WithdrawIn(Schema):
    reason: str = ""  # an empty or missing reason is refused by the service (cases.reason_needed)


class CorrectionIn(Schema):
    note: str
    material_ids: list[int] = []


class DeliverIn(Schema):
    method: str
    tracking_number: str = ""


def _out(case: Application) -> dict:
    return {
        "number": case.number,
        "matter_code": case.matter_version.matter.code,
        "matter_name": case.matter_version.name,
        "department": case.department.name,
        "status": case.status,
        # The label straight from the choices: get_status_display() hashes every lazy label.
        "status_label": str(CaseStatus(case.status).label),
        "channel": case.channel,
        "submitted_at": case.submitted_at,
        "accepted_on": case.accepted_on,
        "deadline": case.deadline_on,
        "deadline_provisional": case.deadline_provisional,
        "colour": selectors.case_colour(case) or None,
        "current_step": case.current_step_name or None,
        "finished_at": case.finished_at,
        "licence_number": case.licence_number or None,
        "tracking_number": case.tracking_number or None,
        "withdrawn_at": case.withdrawn_at,
        "withdrawal_reason": case.withdrawal_reason or None,
    }


def _case(request, number: str) -> Application:
    return selectors.case_get(user=request.user, number=number, purpose="API", request=request)


@router.get("applications/{number}", response=ApplicationOut)
def application_get(request, number: str):
    """Status, deadline, e-supervision colour and current step of one application."""
    return _out(_case(request, number))


class IdOnlyItemOut(Schema):
    material: str
    source: str
    owner: str
    items: list[str]


@router.get("applications/{number}/id-only", response=list[IdOnlyItemOut])
def application_id_only_plan(request, number: str):
    """What ID-only handling (一证通办) would fetch for this application's materials: show it
    to the applicant before asking for consent (`submit?consent=true`)."""
    case = _case(request, number)
    return exchange_selectors.id_only_plan(list(case.matter_version.materials.all()))


class CommitmentOut(Schema):
    id: int
    material: str
    text: str
    made_at: datetime.datetime
    check_due_on: datetime.date | None
    outcome: str
    note: str
    checked_at: datetime.datetime | None


class MaterialStateOut(Schema):
    name: str
    required: bool
    source: str
    state: str
    files: int
    data: dict[str, str | None]
    commitment: CommitmentOut | None = None


class CommitmentCheckIn(Schema):
    outcome: str
    note: str = ""


def _commitment_out(commitment) -> dict:
    return {
        "id": commitment.pk,
        "material": commitment.matter_material.name,
        "text": commitment.text,
        "made_at": commitment.made_at,
        "check_due_on": commitment.check_due_on,
        "outcome": commitment.outcome,
        "note": commitment.note,
        "checked_at": commitment.checked_at,
    }


@router.get("applications/{number}/materials", response=list[MaterialStateOut])
def application_materials(request, number: str):
    """Each material of the application and where it stands: `state` is uploaded, committed
    (replaced by a written commitment, 告知承诺: `commitment` says its wording and its check),
    pulled, to_pull, not_found, not_pulled (no consent), missing or optional; `data` is what
    was pulled, by the fields' labels (clear text for the applicant and the staff who work on
    the case, masked for other staff)."""
    case = _case(request, number)
    clear = policies.sees_in_clear(request.user, case)
    is_draft = case.status == CaseStatus.DRAFT
    return [
        {
            "name": row["material"].name,
            "required": row["material"].is_required,
            "source": row["material"].source,
            "state": selectors.material_state(row, is_draft=is_draft),
            "files": len(row["files"]),
            "data": {label: None if v is None else str(v) for label, v in row["pulled_items"]},
            "commitment": _commitment_out(row["commitment"]) if row["commitment"] else None,
        }
        for row in selectors.material_rows(case, clear=clear)
    ]


@router.post("applications/{number}/commitments/{commitment_id}/check", response=CommitmentOut)
def application_commitment_check(
    request, number: str, commitment_id: int, payload: CommitmentCheckIn
):
    """Record the department's check of a commitment made instead of a material, once the
    application is accepted: `outcome` confirmed or untrue (untrue needs a `note`; it becomes a
    serious bad-conduct credit record). Staff with cases.review or cases.decide."""
    case = _case(request, number)
    commitment = selectors.commitment_get(case=case, pk=commitment_id)
    checked = services.case_commitment_check(
        actor=request.user,
        case=case,
        commitment=commitment,
        outcome=payload.outcome,
        note=payload.note,
        request=request,
    )
    return _commitment_out(checked)


class NoticeOut(Schema):
    kind: str
    title: str
    number: str
    issued_at: datetime.datetime
    sealed: bool
    received_at: datetime.datetime | None
    alg: str | None
    key_id: str | None
    pdf: str
    check_url: str


@router.get("applications/{number}/notices", response=list[NoticeOut])
def application_notices(request, number: str):
    """The application's written notices (acceptance, non-acceptance, correction, approval, denial),
    each with its PDF (`pdf`, this API), the public page that checks it (`check_url`) and when
    the applicant first opened it (`received_at`, its electronic service)."""
    case = _case(request, number)
    return [
        {
            "kind": n.kind,
            "title": notices.notice_title(n),
            "number": n.number,
            "issued_at": n.issued_at,
            "sealed": bool(n.signature),
            "received_at": n.received_at,
            "alg": n.alg or None,
            "key_id": n.key_id or None,
            "pdf": f"/api/v1/applications/{case.number}/notices/{n.kind}/pdf",
            "check_url": notices.check_url(n),
        }
        for n in selectors.notices_of(case)
    ]


@router.get("applications/{number}/notices/{kind}/pdf")
def application_notice_pdf(request, number: str, kind: str):
    """One written notice as PDF (404 `cases.notice_not_found` when the case has none of that
    kind)."""
    case = _case(request, number)
    notice = selectors.notice_get(case=case, kind=kind)
    return notices.notice_pdf_response(notice, user=request.user, case=case)


@router.post("applications/{number}/submit", response=ApplicationOut)
def application_submit(request, number: str, consent: bool = False):
    """Submit a draft; `?consent=true` is the applicant's consent to ID-only handling (see
    `GET applications/{number}/id-only`). The service reads the case itself (one query) and
    writes the submission with its audit entry in one transaction; that entry records the
    access, so there is no separate read audit here."""
    return _out(
        services.case_submit(actor=request.user, case=number, request=request, consent=consent)
    )


@router.post("applications/{number}/accept", response=ApplicationOut)
def application_accept(request, number: str, payload: NoteIn | None = None):
    case = services.case_accept(
        actor=request.user,
        case=_case(request, number),
        note=payload.note if payload else "",
        request=request,
    )
    return _out(case)


@router.post("applications/{number}/not-accept", response=ApplicationOut)
def application_not_accept(request, number: str, payload: ReasonIn):
    case = services.case_not_accept(
        actor=request.user, case=_case(request, number), reason=payload.reason, request=request
    )
    return _out(case)


@router.post("applications/{number}/correction", response=ApplicationOut)
def application_correction(request, number: str, payload: CorrectionIn):
    case = _case(request, number)
    materials = case.matter_version.materials.filter(pk__in=payload.material_ids)
    services.case_correction_request(
        actor=request.user, case=case, materials=materials, note=payload.note, request=request
    )
    return _out(_case(request, number))


@router.post("applications/{number}/steps/complete", response=ApplicationOut)
def application_step_complete(request, number: str, payload: NoteIn | None = None):
    case = services.case_step_complete(
        actor=request.user,
        case=_case(request, number),
        note=payload.note if payload else "",
        request=request,
    )
    return _out(case)


@router.post("applications/{number}/approve", response=ApplicationOut)
def application_approve(request, number: str, payload: NoteIn | None = None):
    case = services.case_approve(
        actor=request.user,
        case=_case(request, number),
        note=payload.note if payload else "",
        request=request,
    )
    return _out(case)


@router.post("applications/{number}/deny", response=ApplicationOut)
def application_deny(request, number: str, payload: ReasonIn):
    case = services.case_deny(
        actor=request.user, case=_case(request, number), reason=payload.reason, request=request
    )
    return _out(case)


@router.post("applications/{number}/issue", response=ApplicationOut)
def application_issue(request, number: str):
    case = services.case_result_issue(
        actor=request.user, case=_case(request, number), request=request
    )
    return _out(case)


class FeeItemIn(Schema):
    name: str
    amount: str  # yuan, as typed: "15", "8.50"


class ChargeIn(Schema):
    items: list[FeeItemIn]


class ChargeOut(Schema):
    id: str
    code: str
    amount: int
    due_on: datetime.date
    status: str


@router.post("applications/{number}/charge", response={201: ChargeOut})
def application_charge(request, number: str, payload: ChargeIn):
    """Charge the fee of an approved case (its department's clerks and reviewers): a payment
    order to the applicant; the result can be issued once it is paid. 409
    `cases.wrong_status` before approval, `payments.already_open` while an order waits; 422
    `payments.invalid` with the problem per item in `detail.fields`."""
    order = services.case_charge(
        actor=request.user,
        case=_case(request, number),
        items=[item.dict() for item in payload.items],
        request=request,
    )
    return Status(
        201,
        {
            "id": str(order.public_id),
            "code": order.code,
            "amount": order.amount,
            "due_on": order.due_on,
            "status": order.status,
        },
    )


@router.post("applications/{number}/deliver", response=ApplicationOut)
def application_deliver(request, number: str, payload: DeliverIn):
    case = services.case_deliver(
        actor=request.user,
        case=_case(request, number),
        method=payload.method,
        tracking_number=payload.tracking_number,
        request=request,
    )
    return _out(case)


@router.post("applications/{number}/withdraw", response=ApplicationOut)
def application_withdraw(request, number: str, payload: WithdrawIn):
    """The applicant (or a window clerk on their side) withdraws an application that is not
    decided yet (撤回申请), with a reason: 409 `cases.not_withdrawable` in another status, 422
    `cases.reason_needed` without a reason."""
    case = services.case_withdraw(
        actor=request.user, case=_case(request, number), reason=payload.reason, request=request
    )
    return _out(case)


class SupervisionCaseOut(Schema):
    number: str
    matter_name: str
    department: str
    subject_name: str
    status: str
    deadline: datetime.date | None
    colour: str


class SupervisionOut(Schema):
    today: datetime.date
    yellow_until: datetime.date
    red: int
    yellow: int
    colour: str
    page: int
    pages: int
    page_size: int
    results: list[SupervisionCaseOut]


@router.get("supervision/cases", response=SupervisionOut, tags=["supervision"])
def supervision_cases(request, colour: str = "", page: int = 1):
    """The e-supervision list (staff with supervision.view, in their scope): running cases
    that are red (overdue) or yellow (one working day or less left), red first, oldest
    deadline first, 100 a page; `red` and `yellow` count the whole scope."""
    result = selectors.case_page_for_supervision(
        user=request.user, colour=colour, page=page, request=request
    )
    return {
        "today": result.today,
        "yellow_until": result.cutoff,
        "red": result.red,
        "yellow": result.yellow,
        "colour": result.colour,
        "page": result.page.number,
        "pages": result.page.paginator.num_pages,
        "page_size": selectors.SUPERVISION_PAGE_SIZE,
        "results": [
            {
                "number": case.number,
                "matter_name": case.matter_version.name,
                "department": case.department.name,
                "subject_name": case.subject_name,
                "status": case.status,
                "deadline": case.deadline_on,
                "colour": case.colour,
            }
            for case in result.cases
        ],
    }
