from onetrip.accounts import policies
from onetrip.core import access

# Signed-in staff only; everyone else goes to sign-in (or gets 403 if signed in).
staff_required = access.staff_required


def permission_required(permission: str):
    """Staff holding a role that grants `permission` (see accounts.policies); others get 403."""
    return access.signed_in_and(
        lambda user: access.is_staff(user) and policies.has_permission(user, permission)
    )
