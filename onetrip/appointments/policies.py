"""Who may do what with appointments: a person books and cancels their own; the halls' window
clerks (cases.intake) see a hall's day, check people in and cancel for the hall."""

from django.utils.translation import gettext as _

from onetrip.accounts import policies as account_policies
from onetrip.core.errors import NotFound

STAFF_PERMISSION = "cases.intake"


def is_hall_staff(user) -> bool:
    return getattr(user, "user_type", "") == "staff" and account_policies.has_permission(
        user, STAFF_PERMISSION
    )


def not_found(number: str) -> NotFound:
    return NotFound(
        "appointments.not_found",
        _("No appointment %(number)s.") % {"number": number},
        detail={"number": number},
    )
