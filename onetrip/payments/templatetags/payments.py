from django import template
from django.utils.translation import gettext_lazy as _

from onetrip.payments.models import fen_to_yuan

register = template.Library()


@register.filter
def yuan(fen) -> str:
    """Fen (an integer) as yuan with two decimals: 1050 → 10.50."""
    try:
        return fen_to_yuan(int(fen))
    except (TypeError, ValueError):
        return ""


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key, {})


DIFFERENCES = {
    "order_not_found": _("No such order"),
    "paid_twice": _("Paid twice"),
    "cancelled": _("Paid after cancelling"),
    "amount_mismatch": _("Amounts differ"),
    "not_in_statement": _("Not on the statement"),
    "transaction_reused": _("One payment, two orders"),
}


@register.filter
def difference_label(kind: str) -> str:
    return str(DIFFERENCES.get(kind, kind))
