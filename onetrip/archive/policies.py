"""Who may see and check archive records. Archivists (档案管理员) and department heads see the
records of the departments in their scope (their own and those granted to them; supervisors
and administrators every department's); archivists also run the check on request."""

from django.utils import timezone
from django.utils.translation import gettext as _

from onetrip.accounts import policies as account_policies
from onetrip.accounts import selectors as account_selectors
from onetrip.core.errors import DomainError, NotFound, PermissionDenied

VIEW = "archive.view"
CHECK = "archive.check"
APPRAISE = "archive.appraise"  # archivists: the appraisal opinion (鉴定意见)
APPROVE = "archive.approve"  # department heads: approve or reject it (审批)


def may_view(user) -> bool:
    return account_policies.has_permission(user, VIEW)


def may_check(user) -> bool:
    return account_policies.has_permission(user, CHECK)


def may_appraise(user) -> bool:
    return account_policies.has_permission(user, APPRAISE)


def may_approve(user) -> bool:
    return account_policies.has_permission(user, APPROVE)


def department_ids_for(user) -> set[int] | None:
    """Departments whose records the user sees (None: every department); empty for others."""
    if not may_view(user):
        return set()
    staff = account_selectors.staff_for_user(user=user)
    return account_selectors.department_ids_visible_to(staff=staff) if staff else set()


def in_scope(user, record) -> bool:
    ids = department_ids_for(user)
    return ids is None or record.department_id in ids


def not_found(code: str) -> NotFound:
    return NotFound(
        "archive.not_found",
        _("No archive record %(code)s.") % {"code": code},
        detail={"code": code},
    )


def destroyed(record) -> DomainError:
    """Asked for the content of a record destroyed after appraisal."""
    day = timezone.localtime(record.destroyed_at).date().isoformat()
    return DomainError(
        "archive.destroyed",
        _("This record was destroyed after appraisal on %(day)s; only its description remains.")
        % {"day": day},
        status=409,
    )


def require_view(user, record) -> None:
    if not (getattr(user, "is_authenticated", False) and in_scope(user, record)):
        raise not_found(record.code)


def require_check(user, record) -> None:
    require_view(user, record)
    if not may_check(user):
        raise PermissionDenied(
            "archive.check_denied",
            _("Only archivists may run the four-property check."),
            detail={"permission": CHECK},
        )


def _require(user, record, permission: str, message: str) -> None:
    require_view(user, record)
    if not account_policies.has_permission(user, permission):
        raise PermissionDenied(
            "archive.permission_denied", message, detail={"permission": permission}
        )


def require_appraise(user, record) -> None:
    _require(user, record, APPRAISE, _("Only archivists appraise records."))


def require_approve(user, record) -> None:
    _require(user, record, APPROVE, _("Only a head of the record's department approves."))
