"""What each role may do. Permissions follow roles; scope follows departments."""

from django.utils.translation import gettext as _

from onetrip.core.errors import PermissionDenied

from .models import StaffRole, User

ROLE_PERMISSIONS: dict[str, set[str]] = {
    StaffRole.WINDOW_CLERK: {"cases.intake", "accounts.verify_in_person", "cases.view"},
    StaffRole.REVIEWER: {"cases.review", "cases.view"},
    StaffRole.DEPARTMENT_HEAD: {
        "cases.view",
        "cases.review",
        "cases.decide",
        "ratings.answer",
        "accounts.grant_department",
        "supervision.view",
    },
    StaffRole.GRID_WORKER: {"events.report", "events.handle"},
    StaffRole.DATA_OFFICER: {"catalogue.edit", "exchange.approve", "audit.view_department"},
    StaffRole.SUPERVISOR: {"supervision.view", "cases.view", "catalogue.publish", "audit.view"},
    StaffRole.ADMINISTRATOR: {
        "accounts.manage",
        "accounts.grant_department",
        "accounts.verify_in_person",
        "audit.view",
        "oidc.manage",
    },
}


def permissions_of(user: User) -> set[str]:
    from .selectors import staff_for_user

    staff = staff_for_user(user=user)
    if staff is None:
        return set()
    perms: set[str] = set()
    for role in staff.role_set():
        perms |= ROLE_PERMISSIONS.get(role, set())
    return perms


def has_permission(user: User, permission: str) -> bool:
    return permission in permissions_of(user)


def require(user: User, permission: str) -> None:
    if not has_permission(user, permission):
        raise PermissionDenied(
            "accounts.permission_denied",
            _("You do not have permission to do this."),
            detail={"permission": permission},
        )
