import logging
import re
import uuid

from django.conf import settings

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
    """The caller's address; nginx puts the real one first in X-Forwarded-For."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")
