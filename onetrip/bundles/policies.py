"""Who may see and work on a bundle.

- The applicant sees and works on their own bundles.
- Staff see a bundle when they may see at least one of its parts (cases.policies.staff_may_see:
  the part's department is visible to them, or they took it in); in the bundle view they see
  every part's matter, department and status, and open only the parts they may see.
- Anyone else gets the same 404 as for a missing bundle.
"""

from django.utils.translation import gettext as _

from onetrip.cases.policies import staff_may_see
from onetrip.core.errors import NotFound


def not_found(number: str = "") -> NotFound:
    return NotFound("bundles.not_found", _("No such bundle."), detail={"number": number})


def is_applicant(user, bundle) -> bool:
    return getattr(user, "is_authenticated", False) and bundle.applicant_id == user.pk


def may_see(user, bundle) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if is_applicant(user, bundle):
        return True
    return any(staff_may_see(user, part.application) for part in bundle.parts.all())


def require_applicant(user, bundle) -> None:
    if not is_applicant(user, bundle):
        raise not_found(bundle.number)
