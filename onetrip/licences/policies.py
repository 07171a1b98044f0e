"""Who may issue, revoke and see e-licences.

- Issue: the platform itself (a str actor such as the cases engine or the demo loader) or a
  staff member who may see the issuing department's work. Whether a decision may be taken is
  the cases engine's rule; this only keeps licences inside their department.
- Revoke: a department head (permission `cases.decide`) who may see the issuing department, or
  the operator's command line (a str actor).
- Printable PDF: the holder (or someone acting for a legal-person holder) and staff who may
  see the issuing department.
- The workbench's licence pages: staff with `cases.view`, for the departments they may see.
"""

from django.utils.translation import gettext as _

from onetrip.accounts import policies as account_policies
from onetrip.accounts import selectors as account_selectors
from onetrip.core.errors import PermissionDenied

REVOKE_PERMISSION = "cases.decide"


def staff_sees_department(user, department) -> bool:
    staff = account_selectors.staff_for_user(user=user)
    if staff is None:
        return False
    visible = account_selectors.department_ids_visible_to(staff=staff)
    return visible is None or department.pk in visible


def require_issue(actor, department) -> None:
    if isinstance(actor, str) and actor:
        return
    if staff_sees_department(actor, department):
        return
    raise PermissionDenied(
        "licences.permission_denied", _("You may not issue licences for this department.")
    )


def require_revoke(actor, department) -> None:
    if isinstance(actor, str) and actor:
        return
    if staff_sees_department(actor, department) and account_policies.has_permission(
        actor, REVOKE_PERMISSION
    ):
        return
    raise PermissionDenied(
        "licences.permission_denied", _("You may not revoke licences of this department.")
    )


# The workbench's licence pages: staff who work on applications (the roles with `cases.view`:
# window clerks, reviewers, department heads, supervisors) see the licences of the departments
# they may see; county-wide roles see all.
VIEW_PERMISSION = "cases.view"


def may_view_as_staff(user) -> bool:
    if account_selectors.staff_for_user(user=user) is None:
        return False
    return account_policies.has_permission(user, VIEW_PERMISSION)


def require_view_as_staff(user) -> None:
    if may_view_as_staff(user):
        return
    raise PermissionDenied(
        "licences.permission_denied", _("You may not see licences in the workbench.")
    )


def may_revoke(actor, department) -> bool:
    """`require_revoke` as a yes/no, for showing or hiding the revocation form."""
    try:
        require_revoke(actor, department)
    except PermissionDenied:
        return False
    return True
