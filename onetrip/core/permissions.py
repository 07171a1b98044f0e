"""Permission questions asked from the core layer.

Roles and what they may do live higher up (accounts.policies); core must not import them, so
the policy is looked up by name from the ONETRIP_PERMISSION_POLICY setting (a callable
`(user, permission) -> bool`).
"""

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_POLICY = "onetrip.accounts.policies.has_permission"


def has_permission(user, permission: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    policy = import_string(getattr(settings, "ONETRIP_PERMISSION_POLICY", DEFAULT_POLICY))
    return bool(policy(user, permission))
