"""The staff list of payment orders as an Excel workbook (openpyxl), payer names masked."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from onetrip.datasets.masking import mask
from onetrip.datasets.models import MaskingRule

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 10_000


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def payer_shown(order) -> str:
    """A person's name masked; a legal person's name as registered."""
    if order.payer_type == "legal":
        return order.payer_name
    return mask(order.payer_name, MaskingRule.NAME)


def orders_workbook(orders) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Payment orders")
    sheet.append(
        [
            _("Payment code"),
            _("Collecting department"),
            _("Purpose"),
            _("Payer"),
            _("Amount (yuan)"),
            _("Status"),
            pgettext("payment", "Issued at"),
            _("Paid at"),
            _("Channel"),
            _("Receipt number"),
            _("Transaction id"),
        ]
    )
    for order in orders:
        sheet.append(
            [
                order.code,
                order.department.name,
                order.purpose,
                payer_shown(order),
                order.amount / 100,
                order.get_status_display(),
                _local(order.created_at),
                _local(order.paid_at),
                order.get_channel_display() if order.channel else "",
                order.receipt_number or "",
                order.transaction_id or "",
            ]
        )
    for row in sheet.iter_rows(min_row=2, min_col=5, max_col=5):
        row[0].number_format = "0.00"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
