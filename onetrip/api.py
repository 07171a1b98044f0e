"""The REST API at /api/v1/ (channels layer): mounts each domain's router."""

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from onetrip.core.errors import DomainError

api = NinjaAPI(
    title="OneTrip API",
    version="1",
    description="OneTrip (最多跑一次) REST API. Errors: {code, message, detail} with a 4xx status.",
    urls_namespace="api",
)


def _error(request, status: int, code: str, message: str, detail=None):
    return api.create_response(
        request, {"code": code, "message": message, "detail": detail}, status=status
    )


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    return _error(request, exc.status, exc.code, exc.message, exc.detail)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    # Only the plain parts of each error: pydantic's "ctx" may hold exception objects.
    errors = [
        {"loc": list(error.get("loc", ())), "type": error.get("type"), "msg": error.get("msg")}
        for error in exc.errors
    ]
    return _error(request, 422, "api.invalid_input", _("The request is not valid."), errors)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc):
    return _error(request, 401, "api.not_authenticated", _("Please sign in first."))


@api.exception_handler(AuthorizationError)
def on_authorization_error(request, exc):
    return _error(request, 403, "api.forbidden", _("You do not have permission to do this."))


# ninja's own English texts for errors it raises itself, and what we tell people instead.
_NINJA_MESSAGES = {
    "Cannot parse request body": (
        "api.malformed_body",
        gettext_lazy("The request body could not be read: it is not valid JSON."),
    ),
}


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    text = str(exc).split(" (", 1)[0]
    if text in _NINJA_MESSAGES:
        code, message = _NINJA_MESSAGES[text]
        return _error(request, exc.status_code, code, str(message))
    return _error(request, exc.status_code, f"api.http_{exc.status_code}", str(exc))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, "api.not_found", _("There is nothing here."))


def _mount_routers() -> None:
    from onetrip.accounts.api import router as accounts_router
    from onetrip.appointments.api import router as appointments_router
    from onetrip.archive.api import router as archive_router
    from onetrip.bundles.api import router as bundles_router
    from onetrip.cases.api import router as cases_router
    from onetrip.catalogue.api import router as catalogue_router
    from onetrip.datarequests.api import router as datarequests_router
    from onetrip.exchange.api import router as exchange_router
    from onetrip.identity.api import router as identity_router
    from onetrip.licences.api import router as licences_router
    from onetrip.objections.api import router as objections_router
    from onetrip.payments.api import router as payments_router
    from onetrip.signing.api import router as signing_router
    from onetrip.spatial.api import router as spatial_router
    from onetrip.statistics.api import router as statistics_router
    from onetrip.workdays.api import router as workdays_router

    api.add_router("/", accounts_router)
    api.add_router("/", identity_router)
    api.add_router("/", catalogue_router)
    api.add_router("/", workdays_router)
    api.add_router("/", signing_router)
    api.add_router("/", licences_router)
    api.add_router("/", cases_router)
    api.add_router("/", statistics_router)
    api.add_router("/", bundles_router)
    api.add_router("/", objections_router)
    api.add_router("/", payments_router)
    api.add_router("/", datarequests_router)
    api.add_router("/", archive_router)
    api.add_router("/", appointments_router)
    api.add_router("/", spatial_router)
    api.add_router("/", exchange_router)


_mount_routers()
