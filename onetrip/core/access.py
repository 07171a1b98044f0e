"""Who may open a page: the one check every view decorator of the apps makes. Anonymous users
are sent to sign in; signed-in users the page is not for get 403 (the error page)."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def signed_in_and(allowed: Callable) -> Callable:
    """A view decorator: sign-in first, then `allowed(user)` or 403."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def is_staff(user) -> bool:
    return getattr(user, "user_type", "") == "staff"


staff_required = signed_in_and(is_staff)
