"""What each role may do. Permissions follow roles; scope follows departments."""

from django.utils.translation import gettext as _

from onetrip.core.errors import PermissionDenied

from .models import StaffRole, User

ROLE_PERMISSIONS: dict[str, set[str]] = {
    StaffRole.WINDOW_CLERK: {
        "cases.intake",
        "accounts.verify_in_person",
        "cases.view",
        "payments.collect",
    },
    # Reviewers also decide (准予 / 不予): in the county the reviewer signs the decision.
    StaffRole.REVIEWER: {
        "cases.review",
        "cases.view",
        "cases.decide",
        "catalogue.edit",
        "payments.collect",
    },
    StaffRole.DEPARTMENT_HEAD: {
        "cases.view",
        "cases.review",
        "cases.decide",
        "ratings.answer",
        "accounts.grant_department",
        "supervision.view",
        "catalogue.edit",
        "exchange.request",
        "payments.collect",
        "archive.view",
        "archive.approve",
    },
    StaffRole.GRID_WORKER: {"events.report", "events.handle"},
    StaffRole.DATA_OFFICER: {
        "catalogue.edit",
        "exchange.approve",
        "exchange.request",
        "audit.view_department",
        "credit.grade",
        "datasets.edit",
        "credit.record",
        "spatial.edit",
    },
    StaffRole.SUPERVISOR: {
        "supervision.view",
        "objections.oversee",  # every department's data objections, read only
        "cases.view",
        "catalogue.publish",
        "audit.view",
        "credit.grade",
        "credit.record",
    },
    # The finance bureau's non-tax revenue officers: every department's payment orders, and the
    # daily reconciliation with the payment gateway.
    StaffRole.FINANCE_OFFICER: {"payments.view_all", "payments.reconcile"},
    # The department's archivist (档案管理员): its e-archive records, their use and their check.
    StaffRole.ARCHIVIST: {"archive.view", "archive.check", "archive.appraise"},
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


def require_level(user: User, level: str) -> None:
    """A matter (or any service) that needs, e.g., real-name verification asks for L2."""
    from .models import ASSURANCE_ORDER, AssuranceLevel

    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied("accounts.not_signed_in", _("Please sign in first."), status=401)
    if not user.has_level(level):
        raise PermissionDenied(
            "accounts.assurance_level_too_low",
            _("This service needs a higher identity assurance level: %(level)s.")
            % {"level": AssuranceLevel(level).label},
            detail={
                "required": level,
                "current": user.assurance_level,
                "order": ASSURANCE_ORDER[level],
            },
        )
