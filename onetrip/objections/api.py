"""REST endpoints of data objections: a person files and follows their objections (their own
records and those of legal persons they represent); an owner department's data officers (or
its systems acting through a staff token) list and answer them."""

import datetime

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from onetrip.core.errors import NotFound
from onetrip.credit.models import CreditRecord
from onetrip.datasets.models import Dataset
from onetrip.identity.api_auth import bearer_or_session

from . import selectors, services
from .models import DataObjection, ObjectionStatus

router = Router(tags=["data objections"], auth=bearer_or_session)


class ItemOut(Schema):
    name: str
    label: str
    current: str
    proposed: str


class ObjectionOut(Schema):
    id: str
    number: str
    dataset: str
    dataset_name: str
    credit_record: str | None
    department: str
    status: str
    status_label: str
    items: list[ItemOut]
    statement: str
    filed_at: datetime.datetime
    due_on: datetime.date
    due_provisional: bool
    colour: str | None
    decided_at: datetime.datetime | None
    answer: str
    corrected_values: dict[str, str]
    corrected_here: bool
    awaiting_more: bool
    more_request: str
    more_answer: str


class ObjectionIn(Schema):
    """Either fields of a dataset's record (`dataset`, `key`, `fields`) or one credit record
    (`credit_record`, its id)."""

    dataset: str = ""
    key: str = ""
    fields: dict[str, str] = {}
    credit_record: str = ""
    statement: str
    phone: str = ""


class NoteIn(Schema):
    note: str = ""


class DecisionIn(Schema):
    upheld: bool
    note: str = ""
    values: dict[str, str] | None = None


def _out(objection: DataObjection) -> dict:
    return {
        "id": str(objection.public_id),
        "number": objection.number,
        "dataset": objection.dataset.code if objection.dataset_id else "",
        "dataset_name": objection.data_name,
        "credit_record": str(objection.credit_record.public_id)
        if objection.credit_record_id
        else None,
        "department": objection.owner.name,
        "status": objection.status,
        "status_label": str(ObjectionStatus(objection.status).label),
        "items": objection.items,
        "statement": objection.statement,
        "filed_at": objection.filed_at,
        "due_on": objection.due_on,
        "due_provisional": objection.due_provisional,
        "colour": selectors.objection_colour(objection) or None,
        "decided_at": objection.decided_at,
        "answer": objection.decision_note,
        "corrected_values": objection.corrected_values,
        "corrected_here": objection.corrected_here,
        "awaiting_more": objection.awaiting_more,
        "more_request": objection.more_request,
        "more_answer": objection.more_answer,
    }


def _for_caller(request, public_id: str) -> DataObjection:
    """The caller's own objection, or one to their department's datasets (officers)."""
    objection = selectors.objections_of_user(user=request.user).filter(public_id=public_id).first()
    if objection is None:
        return selectors.objection_get_for_officer(
            user=request.user, public_id=public_id, request=request
        )
    return objection


def _valid_uuid(value: str) -> str:
    import uuid

    try:
        return str(uuid.UUID(value))
    except ValueError as error:
        raise NotFound("objections.not_found", _("No such objection.")) from error


@router.get("objections", response=list[ObjectionOut])
def objections_list(request, status: str = ""):
    """Staff data officers: the objections to their department's datasets (`status` open,
    upheld, rejected or withdrawn); everyone else: their own objections."""
    if request.user.user_type == "staff":
        rows = selectors.objections_for_officer(user=request.user, status=status)
    else:
        rows = selectors.objections_of_user(user=request.user)
        rows = rows.filter(status=status) if status else rows
    return [_out(o) for o in rows[:200]]


@router.post("objections", response={201: ObjectionOut})
def objection_file(request, body: ObjectionIn):
    """Object to fields of a record about the caller (or a legal person they represent):
    `fields` maps field names to what they should be; or to one credit record
    (`credit_record`), which is withdrawn when the objection is upheld. 404
    `objections.record_not_found` when the caller has no such record; 409
    `objections.already_open`; 422 with the problem per field in `detail.fields`."""
    if body.credit_record:
        record = CreditRecord.objects.filter(public_id=_valid_uuid(body.credit_record)).first()
        if record is None:
            raise NotFound("objections.record_not_found", _("You have no record in this dataset."))
        objection = services.objection_file_credit(
            actor=request.user,
            record=record,
            statement=body.statement,
            phone=body.phone,
            request=request,
        )
        return Status(201, _out(objection))
    dataset = Dataset.objects.filter(code=body.dataset).first()
    if dataset is None:
        raise NotFound("objections.record_not_found", _("You have no record in this dataset."))
    objection = services.objection_file(
        actor=request.user,
        dataset=dataset,
        key=body.key,
        proposed=body.fields,
        statement=body.statement,
        phone=body.phone,
        request=request,
    )
    return Status(201, _out(objection))


@router.get("objections/{public_id}", response=ObjectionOut)
def objection_get(request, public_id: str):
    return _out(_for_caller(request, _valid_uuid(public_id)))


@router.post("objections/{public_id}/decision", response=ObjectionOut)
def objection_decide(request, public_id: str, body: DecisionIn):
    """The owner's data officer answers: `upheld` true writes the proposed values (or `values`)
    into the record; false needs a `note` saying why."""
    objection = selectors.objection_get_for_officer(
        user=request.user, public_id=_valid_uuid(public_id), request=request
    )
    return _out(
        services.objection_decide(
            actor=request.user,
            objection=objection,
            upheld=body.upheld,
            note=body.note,
            values=body.values,
            request=request,
        )
    )


@router.post("objections/{public_id}/withdraw", response=ObjectionOut)
def objection_withdraw(request, public_id: str):
    objection = selectors.objection_get_for_filer(
        user=request.user, public_id=_valid_uuid(public_id)
    )
    return _out(
        services.objection_withdraw(actor=request.user, objection=objection, request=request)
    )


@router.post("objections/{public_id}/request-more", response=ObjectionOut)
def objection_request_more(request, public_id: str, body: NoteIn):
    """The owner's data officer asks the person for further material (补充材料), once, saying
    what is needed; the due date stands still until it comes (409
    `objections.more_already_requested`; 422 `objections.request_needed`)."""
    objection = selectors.objection_get_for_officer(
        user=request.user, public_id=_valid_uuid(public_id), request=request
    )
    return _out(
        services.objection_request_more(
            actor=request.user, objection=objection, note=body.note, request=request
        )
    )


@router.post("objections/{public_id}/supply", response=ObjectionOut)
def objection_supply(request, public_id: str, body: NoteIn):
    """The person answers the request with a note (files are added on the objection's page);
    the due date moves on by the working days it waited (409 `objections.nothing_requested`)."""
    objection = selectors.objection_get_for_filer(
        user=request.user, public_id=_valid_uuid(public_id)
    )
    return _out(
        services.objection_supply_more(
            actor=request.user, objection=objection, note=body.note, request=request
        )
    )
