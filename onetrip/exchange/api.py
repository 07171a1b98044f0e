"""The exchange over HTTP: `GET /api/v1/exchange/datasets/{code}/records?<key>=<value>` and the
client's own grants, for systems signed in with a client-credentials token (scope exchange)."""

import datetime

from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from onetrip.core.errors import DomainError, NotAuthenticated, PermissionDenied
from onetrip.identity.api_auth import OAuth2Bearer

from . import selectors, services
from .models import ExchangeClient

router = Router(tags=["exchange"])
auth = OAuth2Bearer()


def _client(request) -> ExchangeClient:
    access = getattr(request, "oauth_token", None)
    if access is None:
        raise NotAuthenticated("api.not_authenticated", _("Please sign in first."))
    client = selectors.client_for_token(access)
    if client is None:
        raise PermissionDenied(
            "exchange.not_a_client",
            _("This token does not belong to a registered exchange client."),
        )
    if not access.allow_scopes(["exchange"]):
        raise PermissionDenied(
            "exchange.scope_missing",
            _("Ask for a token with the scope exchange."),
            detail={"scope": access.scope},
        )
    return client


def _error_response(error: DomainError) -> JsonResponse:
    response = JsonResponse(
        error.as_dict(), status=error.status, json_dumps_params={"ensure_ascii": False}
    )
    if isinstance(error, services.RateLimited):
        response["Retry-After"] = str(error.retry_after)
    return response


@router.get("/exchange/datasets/{code}/records", auth=auth, url_name="exchange_records")
def records(request, code: str):
    """One record by the dataset's key field; only granted fields, masked unless granted in
    clear text. Errors: 401 no token, 403 no/expired/revoked grant, 404 unknown dataset or no
    record, 400 wrong key parameter, 429 rate limit or daily quota (with Retry-After)."""
    client = _client(request)
    try:
        return services.records_read(
            client=client, code=code, query=request.GET.dict(), request=request
        )
    except DomainError as error:
        if error.code != "exchange.record_not_found":  # that one is audited as a call
            services.call_refused_record(client=client, code=code, error=error, request=request)
        return _error_response(error)


class GrantIn(Schema):
    dataset: str
    fields: list[str]
    clear_fields: list[str] = []
    purpose: str
    legal_basis: str = ""
    days: int = 365


class GrantOut(Schema):
    id: str
    dataset: str
    fields: list[str]
    clear_fields: list[str]
    purpose: str
    status: str
    valid_until: datetime.datetime | None


def _grant_out(grant) -> dict:
    return {
        "id": str(grant.public_id),
        "dataset": grant.dataset.code,
        "fields": grant.fields,
        "clear_fields": grant.clear_fields,
        "purpose": grant.purpose,
        "status": grant.status,
        "valid_until": grant.valid_until,
    }


@router.get("/exchange/grants", auth=auth, response=list[GrantOut])
def grants(request):
    """The calling client's grants and requests."""
    client = _client(request)
    return [_grant_out(g) for g in client.grants.select_related("dataset").order_by("-id")[:200]]


@router.post("/exchange/grants", auth=auth, response={201: GrantOut})
def grant_ask(request, payload: GrantIn):
    """Ask for a grant: freely shared datasets are granted at once, others wait for the owner."""
    client = _client(request)
    grant = services.grant_request(
        actor=client,
        client=client,
        dataset=services.dataset_for_call(payload.dataset),
        fields=payload.fields,
        clear_fields=payload.clear_fields,
        purpose=payload.purpose,
        legal_basis=payload.legal_basis,
        days=payload.days,
        request=request,
    )
    return Status(201, _grant_out(grant))
