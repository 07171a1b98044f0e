"""Public payment (统一公共支付): a payment order (缴款通知) for a fee that a department charges,
paid online through the payment gateway or at the window, with its receipt number; and each
day's reconciliation (对账) of what the gateway says it collected against what was recorded.

Amounts are integer fen (分), never floats."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrderStatus(models.TextChoices):
    UNPAID = "unpaid", _("Awaiting payment")  # 待缴费
    PAID = "paid", _("Paid")  # 已缴费
    CANCELLED = "cancelled", _("Cancelled")  # 已作废


class PayChannel(models.TextChoices):
    ONLINE = "online", pgettext_lazy("payment channel", "Online")  # 网上缴费 (the gateway)
    COUNTER = "counter", _("At the window")  # 窗口缴费 (card terminal, recorded by the clerk)


class PaymentOrder(models.Model):
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    # 缴款码: 20 digits (region, date, serial, Luhn check digit). NULL until the row has its id.
    code = models.CharField(_("payment code"), max_length=20, unique=True, null=True)  # noqa: DJ001
    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("collecting department"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # What the fee is for, as the charging app names it ("case:<number>"): this app does not
    # know cases; the charging app is told when the order is paid (services.paid_hook_register).
    reference = models.CharField(_("reference"), max_length=64, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=200)
    link = models.CharField(_("link"), max_length=300, blank=True)  # for the payer
    staff_link = models.CharField(_("link for staff"), max_length=300, blank=True)
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("payer account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    payer_name = models.CharField(_("payer"), max_length=200)
    payer_type = models.CharField(_("payer type"), max_length=10, blank=True)  # person / legal
    payer_number = models.CharField(_("payer ID number or USCC"), max_length=32, blank=True)
    items = models.JSONField(_("fee items"), default=list)  # [{"name": ..., "amount": fen}]
    amount = models.PositiveBigIntegerField(_("amount (fen)"))
    status = models.CharField(
        _("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.UNPAID
    )
    due_on = models.DateField(_("pay by"))
    reminded_on = models.DateField(_("reminded on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=PayChannel.choices, blank=True)
    gateway = models.CharField(_("gateway"), max_length=32, blank=True)
    transaction_id = models.CharField(
        _("transaction id"), max_length=64, unique=True, null=True, blank=True
    )
    receipt_number = models.CharField(
        _("receipt number"), max_length=32, unique=True, null=True, blank=True
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("payment order")
        verbose_name_plural = _("payment orders")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            # One order waiting per thing charged for: a wrong one is cancelled, then reissued.
            models.UniqueConstraint(
                fields=["reference"],
                condition=Q(status="unpaid"),
                name="payment_one_unpaid_per_reference",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "-created_at"], name="payment_department_idx"),
            models.Index(fields=["paid_at"], name="payment_paid_at_idx"),
        ]

    def __str__(self):
        return self.code or str(self.public_id)

    @property
    def yuan(self) -> str:
        return fen_to_yuan(self.amount)


def fen_to_yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


class Reconciliation(models.Model):
    """One day's comparison of the gateway's statement with the orders paid through it."""

    day = models.DateField(_("day"))
    gateway = models.CharField(_("gateway"), max_length=32)
    run_at = models.DateTimeField(_("run at"), auto_now=True)
    matched = models.PositiveIntegerField(_("matched"), default=0)
    matched_amount = models.PositiveBigIntegerField(_("matched amount (fen)"), default=0)
    recovered = models.JSONField(_("recovered"), default=list)  # paid at the gateway, now here
    differences = models.JSONField(_("differences"), default=list)

    class Meta:
        verbose_name = _("reconciliation")
        verbose_name_plural = _("reconciliations")
        constraints = [
            models.UniqueConstraint(fields=["gateway", "day"], name="reconciliation_day_unique")
        ]

    def __str__(self):
        return f"{self.gateway} {self.day}"


class SandboxPayment(models.Model):
    """The sandbox gateway's own ledger: what its cashier page "collected". A real gateway keeps
    this on its side and hands over a daily statement; the sandbox lets a county try the whole
    flow, reconciliation included, before it is connected to the provincial payment platform."""

    transaction_id = models.CharField(_("transaction id"), max_length=64, unique=True)
    code = models.CharField(_("payment code"), max_length=20)
    amount = models.PositiveBigIntegerField(_("amount (fen)"))
    paid_at = models.DateTimeField(_("paid at"))
    method = models.CharField(_("method"), max_length=20)

    class Meta:
        verbose_name = _("sandbox payment")
        verbose_name_plural = _("sandbox payments")
        indexes = [models.Index(fields=["paid_at"], name="sandbox_paid_at_idx")]

    def __str__(self):
        return self.transaction_id
