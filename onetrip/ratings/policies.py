"""Who may do what with ratings.

- Only the applicant of a case rates it (anyone else: 404, like a missing case).
- A follow-up is answered by a department head (`ratings.answer`) of the case's implementing
  department itself (not through a visibility grant); anyone else gets the same 404.
- Supervisors (`supervision.view`, county-wide) may read every follow-up; heads their own.
"""

from django.utils.translation import gettext as _

from onetrip.accounts.policies import has_permission
from onetrip.accounts.selectors import department_ids_visible_to, staff_for_user
from onetrip.core.errors import NotFound


def follow_up_not_found(ref: str = "") -> NotFound:
    return NotFound("ratings.not_found", _("No such follow-up."), detail={"id": ref})


def may_answer(user, follow_up) -> bool:
    staff = staff_for_user(user=user)
    return (
        staff is not None
        and has_permission(user, "ratings.answer")
        and staff.department_id == follow_up.department_id
    )


def follow_up_department_ids(user) -> set[int] | None:
    """Departments whose follow-ups `user` may read; None: all; empty: none."""
    staff = staff_for_user(user=user)
    if staff is None:
        return set()
    if has_permission(user, "supervision.view") and department_ids_visible_to(staff=staff) is None:
        return None
    if has_permission(user, "ratings.answer"):
        return {staff.department_id}
    return set()
