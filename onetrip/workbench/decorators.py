from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def staff_required(view):
    """Signed-in staff only; everyone else goes to sign-in (or gets 403 if signed in)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.user.user_type != "staff":
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
