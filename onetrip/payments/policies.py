"""Who may do what with payment orders. Collecting (charging, cancelling, recording a payment
at the window) follows the department's scope; the finance bureau's officers see every order
and reconcile."""

from onetrip.accounts import policies as account_policies
from onetrip.accounts import selectors as account_selectors

COLLECT = "payments.collect"
VIEW_ALL = "payments.view_all"
RECONCILE = "payments.reconcile"


def sees_all(user) -> bool:
    return account_policies.has_permission(user, VIEW_ALL)


def may_reconcile(user) -> bool:
    return account_policies.has_permission(user, RECONCILE)


def department_ids_collected_by(user) -> set[int] | None:
    """Departments whose orders the user issues and follows (None: every department); an empty
    set for someone who collects nothing."""
    if not account_policies.has_permission(user, COLLECT):
        return set()
    staff = account_selectors.staff_for_user(user=user)
    return account_selectors.department_ids_visible_to(staff=staff) if staff else set()


def may_collect_for(user, department_id: int) -> bool:
    ids = department_ids_collected_by(user)
    return ids is None or department_id in ids


def may_see_orders(user) -> bool:
    return sees_all(user) or account_policies.has_permission(user, COLLECT)
