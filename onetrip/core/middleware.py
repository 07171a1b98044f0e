import logging
import re
import uuid

from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.core.exceptions import SuspiciousOperation
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.functional import SimpleLazyObject, empty
from django.utils.translation import gettext as _

from .logging import request_id_var

logger = logging.getLogger("onetrip.request")
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Takes X-Request-ID from nginx (or makes one), logs it on every line and returns it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request.id)
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.id
            if response.status_code >= 500:
                logger.error(
                    "request failed", extra={"path": request.path, "status": response.status_code}
                )
            return response
        finally:
            request_id_var.reset(token)


class NulCharacter(SuspiciousOperation):
    """A NUL character in the request: PostgreSQL refuses it in any text, so it would end as a
    server error wherever it reached a query."""


class NulCharacterMiddleware:
    """Answers 400 (the platform's bad-request answer, JSON under /api/) to a request with a NUL
    character in its path, query string or JSON body, before any view puts it in a query.
    Forms refuse it themselves (Django's CharField)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _has_nul(request.GET) or _json_has_nul(request):
            raise NulCharacter("NUL character in the request")
        return self.get_response(request)


def _has_nul(query) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in query.lists())


def _json_has_nul(request) -> bool:
    if request.method in ("GET", "HEAD") or request.content_type != "application/json":
        return False
    return b"\\u0000" in request.body  # JSON writes NUL only as \u0000


class LazyMessageMiddleware(MessageMiddleware):
    """Django's, with the message storage made when something first adds or reads a message.
    Made for every request, its cookie and session storages cost each API call and QR scan,
    which never use messages."""

    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        messages = getattr(request, "_messages", None)
        if isinstance(messages, SimpleLazyObject) and messages._wrapped is empty:
            return response  # no message was added or read: nothing to store
        return super().process_response(request, response)


class LargeTypeMiddleware:
    """Remembers the large-type mode (适老化) chosen by `?large=1` / `?large=0` in the session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        choice = request.GET.get("large")
        if choice in {"0", "1"} and hasattr(request, "session"):
            request.session["large_type"] = choice == "1"
        request.large_type = bool(getattr(request, "session", {}).get("large_type", False))
        return self.get_response(request)


def client_ip(request) -> str:
    """The caller's address.

    Behind our nginx (production: SECURE_PROXY_SSL_HEADER is set) the caller is the address
    nginx appended last to X-Forwarded-For (`$proxy_add_x_forwarded_for`); anything before it
    was sent by the client and proves nothing. Without the proxy, the header is ignored.
    """
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


class ApiErrorMiddleware:
    """Under /api/, answers that Django or ninja make as plain text (405 Method Not Allowed)
    become the platform's JSON error {"code", "message", "detail"}."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            allowed = [m.strip() for m in response.get("Allow", "").split(",") if m.strip()]
            json_response = JsonResponse(
                {
                    "code": "api.method_not_allowed",
                    "message": _("This address does not accept that method."),
                    "detail": {"allowed": sorted(allowed)},
                },
                status=405,
            )
            if allowed:
                json_response["Allow"] = ", ".join(sorted(allowed))
            return json_response
        return response


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """zh-hans unless the visitor chose another language with the switch (cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language; a county's portal
    speaks Chinese first, whatever language the browser happens to be set to.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
