"""Who may do what to a case.

- Staff see a case when its implementing department is visible to them
  (accounts.selectors.department_ids_visible_to: their department, grants, or every department
  for supervisors and administrators), or when they took it in at a counter (one-window intake:
  a general-window clerk enters any department's matter, which is dispatched to the implementing
  department). Outside that scope a case does not exist for them (404, like a missing one).
- The applicant sees and works on their own case; a window clerk may act on the applicant's
  side of a case they may see (counter intake: filling the form, scanning materials).
- Permissions (accounts.policies): cases.intake (accept, not accept, correction, counter intake,
  delivery), cases.review (review steps, suspension, issuing results), cases.decide (approve,
  deny), supervision.view (the yellow/red list).
"""

from django.utils.translation import gettext as _

from onetrip.accounts.policies import has_permission
from onetrip.accounts.selectors import department_ids_visible_to, staff_for_user
from onetrip.core.errors import NotFound, PermissionDenied


def not_found(number: str = "") -> NotFound:
    return NotFound("cases.not_found", _("No such application."), detail={"number": number})


def staff_may_see(user, case) -> bool:
    staff = staff_for_user(user=user)
    if staff is None:
        return False
    if case.intake_clerk_id is not None and case.intake_clerk_id == user.pk:
        return True
    visible = department_ids_visible_to(staff=staff)
    return visible is None or case.department_id in visible


def sees_in_clear(user, case) -> bool:
    """Who sees the case's personal data (pulled data, ID and phone numbers) in clear text: the
    applicant, and staff who may see the case and work on it (intake, review, decision; at a
    general window too). Staff who only watch it (supervisors) see it masked."""
    if getattr(user, "is_authenticated", False) and case.applicant_id == user.pk:
        return True
    work = ("cases.intake", "cases.review", "cases.decide")
    return staff_may_see(user, case) and any(has_permission(user, p) for p in work)


def may_see(user, case) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return case.applicant_id == user.pk or staff_may_see(user, case)


def require_staff(user, case, *permissions: str) -> None:
    """Out of scope → 404; in scope without any of `permissions` → 403."""
    if not staff_may_see(user, case):
        raise not_found(case.number)
    if not any(has_permission(user, permission) for permission in permissions):
        raise PermissionDenied(
            "cases.permission_denied",
            _("You do not have permission to do this."),
            detail={"permission": " | ".join(permissions)},
        )


def require_applicant_side(user, case) -> None:
    """The applicant, or a window clerk who may see the case (counter intake)."""
    if getattr(user, "is_authenticated", False) and case.applicant_id == user.pk:
        return
    require_staff(user, case, "cases.intake")
