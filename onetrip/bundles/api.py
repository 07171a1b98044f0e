"""REST endpoints for bundles: the merged form of a life event (public), one bundle with its
parts (applicant or staff who may see a part; 404 otherwise) and its withdrawal by the
applicant."""

import datetime

from ninja import Router, Schema

from onetrip.catalogue.selectors import life_event_get_public
from onetrip.identity.api_auth import bearer_or_session

from . import selectors, services
from .merge import merge_forms, merge_materials
from .models import BundleStatus

router = Router(tags=["bundles"])


class FieldOut(Schema):
    name: str
    label: str
    type: str
    required: bool
    choices: list[str] = []
    matters: list[str]


class MaterialOut(Schema):
    name: str
    needs_upload: bool
    required: bool
    matters: list[str]


class MergedFormOut(Schema):
    life_event: str
    matters: list[str]
    fields: list[FieldOut]
    materials: list[MaterialOut]


class PartOut(Schema):
    number: str
    matter_code: str
    matter_name: str
    department: str
    status: str
    licence_number: str | None


class BundleOut(Schema):
    number: str
    life_event: str
    status: str
    status_label: str
    channel: str
    is_joint: bool
    submitted_at: datetime.datetime | None
    results_issued_at: datetime.datetime | None
    withdrawn_at: datetime.datetime | None = None
    withdrawal_reason: str | None = None
    parts: list[PartOut]


class WithdrawIn(Schema):
    reason: str = ""  # an empty or missing reason is refused by the service (bundles.reason_needed)


@router.get("/life-events/{code}/form", response=MergedFormOut)
def merged_form(request, code: str):
    event = life_event_get_public(code=code)
    versions = services.bundle_versions(event)
    return {
        "life_event": event.code,
        "matters": [v.matter.code for v in versions],
        "fields": merge_forms(versions).fields,
        "materials": [
            {
                "name": m.name,
                "needs_upload": m.needs_upload,
                "required": m.required,
                "matters": [p.version.matter.code for p in m.parts],
            }
            for m in merge_materials(versions)
        ],
    }


def _out(bundle) -> dict:
    return {
        "number": bundle.number,
        "life_event": bundle.life_event.code,
        "status": bundle.status,
        "status_label": str(BundleStatus(bundle.status).label),
        "channel": bundle.channel,
        "is_joint": bundle.is_joint,
        "submitted_at": bundle.submitted_at,
        "results_issued_at": bundle.results_issued_at,
        "withdrawn_at": bundle.withdrawn_at,
        "withdrawal_reason": bundle.withdrawal_reason or None,
        "parts": [
            {
                "number": p.application.number,
                "matter_code": p.application.matter_version.matter.code,
                "matter_name": p.application.matter_version.name,
                "department": p.application.department.name,
                "status": p.application.status,
                "licence_number": p.application.licence_number or None,
            }
            for p in bundle.parts.all()
        ],
    }


@router.get("/bundles/{number}", response=BundleOut, auth=bearer_or_session)
def bundle_detail(request, number: str):
    return _out(
        selectors.bundle_get(user=request.user, number=number, purpose="api", request=request)
    )


@router.post("/bundles/{number}/withdraw", response=BundleOut, auth=bearer_or_session)
def bundle_withdraw(request, number: str, payload: WithdrawIn):
    """The applicant withdraws the whole bundle (撤回) with a reason while no part has been
    accepted: 404 for anyone else, 409 `bundles.not_withdrawable` (or not submitted, already
    withdrawn), 422 `bundles.reason_needed` without a reason."""
    bundle = selectors.bundle_get(
        user=request.user, number=number, purpose="api withdraw", request=request
    )
    services.bundle_withdraw(
        actor=request.user, bundle=bundle, reason=payload.reason, request=request
    )
    # Read again (not audited twice): the parts' statuses changed under the withdrawal.
    return _out(selectors.bundle_after_write(bundle))
