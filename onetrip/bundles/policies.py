"""Who may see and work on a bundle.

- The applicant sees and works on their own bundles.
- At a counter (一窗受理) the window clerk who took the bundle in (`intake_clerk`, with
  cases.intake) sees it and works on it on the applicant's side (form, uploads, submission),
  like `cases.policies.require_applicant_side` for a single case.
- Staff see a bundle when they may see at least one of its parts (cases.policies.staff_may_see:
  the part's department is visible to them, or they took it in); in the bundle view they see
  every part's matter, department and status, and open only the parts they may see.
- A counter bundle is submitted by its intake clerk: its parts are counter cases, entered by a
  clerk with cases.intake (cases.services.case_create), so the applicant may prepare the form
  and materials from home but submits at the counter.
- Only the applicant withdraws a bundle.
- Anyone else gets the same 404 as for a missing bundle.
"""

from django.utils.translation import gettext as _

from onetrip.accounts.policies import has_permission
from onetrip.cases.models import Channel
from onetrip.cases.policies import staff_may_see
from onetrip.core.errors import DomainError, NotFound, PermissionDenied


def not_found(number: str = "") -> NotFound:
    return NotFound("bundles.not_found", _("No such bundle."), detail={"number": number})


def is_applicant(user, bundle) -> bool:
    return getattr(user, "is_authenticated", False) and bundle.applicant_id == user.pk


def is_intake_clerk(user, bundle) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and bundle.intake_clerk_id is not None
        and bundle.intake_clerk_id == user.pk
    )


def may_see(user, bundle) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if is_applicant(user, bundle) or is_intake_clerk(user, bundle):
        return True
    return any(staff_may_see(user, part.application) for part in bundle.parts.all())


def require_applicant(user, bundle) -> None:
    if not is_applicant(user, bundle):
        raise not_found(bundle.number)


def may_work_on(user, bundle) -> bool:
    """The applicant, or the clerk who took it in and still holds cases.intake."""
    if is_applicant(user, bundle):
        return True
    return is_intake_clerk(user, bundle) and has_permission(user, "cases.intake")


def require_applicant_side(user, bundle) -> None:
    """The applicant, or the window clerk who took the bundle in (counter intake). Other staff
    get the 404 of a missing bundle; the clerk who lost cases.intake since gets a 403, as for a
    case (cases.policies.require_staff)."""
    if may_work_on(user, bundle):
        return
    if not is_intake_clerk(user, bundle):
        raise not_found(bundle.number)
    raise PermissionDenied(
        "bundles.permission_denied",
        _("You do not have permission to do this."),
        detail={"permission": "cases.intake"},
    )


def may_submit(user, bundle) -> bool:
    if bundle.channel == Channel.COUNTER:
        return is_intake_clerk(user, bundle) and may_work_on(user, bundle)
    return may_work_on(user, bundle)


def require_submitter(user, bundle) -> None:
    """Who submits: as require_applicant_side, except that a counter bundle is submitted by the
    clerk who took it in (its parts are counter cases, which only a window clerk enters)."""
    require_applicant_side(user, bundle)
    if not may_submit(user, bundle):
        raise DomainError(
            "bundles.submitted_at_counter",
            _("This bundle was started at a counter: the window clerk submits it with you."),
            status=409,
        )
