"""Error pages: JSON {code, message, detail} for API callers, a friendly page for people."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _wants_json(request) -> bool:
    return request.path.startswith(("/api/", "/o/", "/opendata/api/")) or (
        "application/json" in request.headers.get("Accept", "")
    )


def _respond(request, status: int, code: str, message: str):
    if _wants_json(request):
        return JsonResponse({"code": code, "message": message, "detail": None}, status=status)
    return render(request, "error.html", {"status": status, "message": message}, status=status)


def bad_request(request, exception=None):
    return _respond(request, 400, "http.bad_request", _("The request could not be understood."))


def permission_denied(request, exception=None):
    return _respond(request, 403, "http.forbidden", _("You do not have permission to see this."))


def not_found(request, exception=None):
    return _respond(request, 404, "http.not_found", _("There is nothing here."))


def server_error(request):
    return _respond(
        request,
        500,
        "http.server_error",
        _("Something went wrong on our side. It has been logged; please try again."),
    )


def csrf_failure(request, reason=""):
    return _respond(
        request,
        403,
        "http.csrf_failed",
        _("The form has expired or did not come from this site. Please reload and try again."),
    )
