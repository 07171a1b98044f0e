"""Who may issue, revoke and see e-licences.

- Issue: the platform itself (a str actor such as the cases engine or the demo loader) or a
  staff member who may see the issuing department's work. Whether a decision may be taken is
  the cases engine's rule; this only keeps licences inside their department.
- Revoke: a department head (permission `cases.decide`) who may see the issuing department, or
  the operator's command line (a str actor).
- Printable PDF: the holder (or someone acting for a legal-person holder) and staff who may
  see the issuing department.
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
