"""Public verification of e-licences: GET /api/v1/licences/{number}/verify."""

import datetime

from django.http import HttpResponse
from ninja import Router, Schema

from . import selectors

router = Router(tags=["licences"])


class VerificationOut(Schema):
    number: str
    status: str
    signature_ok: bool
    payload: str
    signature: str
    alg: str
    key_id: str
    holder_name: str
    type: str
    type_code: str
    issuer: str
    valid_from: datetime.date
    valid_until: datetime.date | None


class ErrorOut(Schema):
    code: str
    message: str
    detail: dict | list | str | None = None


@router.get(
    "licences/{number}/verify",
    response={200: VerificationOut, 404: ErrorOut},
    auth=None,
)
def verify(request, number: str):
    """Anyone may verify a licence whose identifier they hold. `status` is valid, revoked or
    expired. `payload` is base64 of the exact signed bytes (canonical JSON: sorted keys,
    UTF-8, no spaces), `signature` base64 of the raw signature; check it offline with the
    key `key_id` from GET /api/v1/keys. `signature_ok` is the server's own check.
    The holder's name is masked here; the full name is in the signed payload."""
    _answer, body = selectors.licence_verify_public(number, request=request)
    # The JSON of VerificationOut, encoded once per licence and reused (see the selector).
    return HttpResponse(body, content_type="application/json; charset=utf-8")
