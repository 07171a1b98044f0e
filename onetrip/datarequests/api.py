"""REST endpoints of open-data requests: the published data needs and error reports with the
departments' answers, for anyone (never the requester's name or phone)."""

import datetime
import uuid

from django.utils.translation import gettext as _
from ninja import Router, Schema

from onetrip.core.errors import NotFound

from . import selectors
from .models import DataRequest, RequestKind, RequestStatus

router = Router(tags=["open-data requests"])


class RequestOut(Schema):
    id: str
    number: str
    kind: str
    title: str
    description: str
    purpose: str
    dataset: str | None
    department: str
    status: str
    status_label: str
    filed_at: datetime.datetime
    due_on: datetime.date
    answered_at: datetime.datetime | None
    answer: str


def _out(item: DataRequest) -> dict:
    return {
        "id": str(item.public_id),
        "number": item.number,
        "kind": item.kind,
        "title": item.title,
        "description": item.description,
        "purpose": item.purpose,
        "dataset": item.dataset.code if item.dataset_id else None,
        "department": item.department.name,
        "status": item.status,
        "status_label": str(RequestStatus(item.status).label),
        "filed_at": item.filed_at,
        "due_on": item.due_on,
        "answered_at": item.answered_at,
        "answer": item.answer,
    }


@router.get("opendata/requests", response=list[RequestOut], auth=None)
def requests_list(request, kind: str = "", status: str = "", dataset: str = ""):
    """Published requests, newest first (200 at most): `kind` need or error, `status` open,
    accepted or declined, `dataset` a dataset code."""
    rows = selectors.public_requests(
        kind=kind if kind in RequestKind.values else "",
        status=status if status in RequestStatus.values else "",
    )
    if dataset:
        rows = rows.filter(dataset__code=dataset)
    return [_out(item) for item in rows[:200]]


@router.get("opendata/requests/{public_id}", response=RequestOut, auth=None)
def request_get(request, public_id: str):
    """One published request (404 `datarequests.not_found` otherwise)."""
    try:
        key = uuid.UUID(public_id)
    except ValueError as error:
        raise NotFound("datarequests.not_found", _("No such request.")) from error
    item = selectors.public_requests().filter(public_id=key).first()
    if item is None:
        raise NotFound("datarequests.not_found", _("No such request."))
    return _out(item)
