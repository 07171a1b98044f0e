from django.utils.translation import gettext as _
from ninja import Router, Schema

from onetrip.accounts import selectors as account_selectors
from onetrip.core.errors import NotAuthenticated

from .api_auth import bearer_or_session

router = Router(tags=["identity"])


class MeOut(Schema):
    sub: str
    name: str
    user_type: str
    assurance_level: str
    department: str | None = None
    department_code: str | None = None
    roles: list[str] = []


@router.get("me", response=MeOut, auth=bearer_or_session)
def me(request):
    """Who the caller is (the user behind the token or the session)."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        raise NotAuthenticated("identity.no_user", _("This token stands for a client, not a user."))
    staff = account_selectors.staff_for_user(user=user)
    return {
        "sub": str(user.public_id),
        "name": user.display_name or user.get_username(),
        "user_type": user.user_type,
        "assurance_level": user.assurance_level,
        "department": staff.department.name if staff else None,
        "department_code": staff.department.code if staff else None,
        "roles": sorted(staff.role_set()) if staff else [],
    }
