"""The payment gateway: where a payer is sent to pay, how its notifications are signed, and its
daily statement. The county's gateway is the provincial public payment platform (统一公共支付
平台); it is plugged in by `ONETRIP_PAYMENT_GATEWAY` (a class with `name`, `checkout_url` and
`statement`). Notifications are signed with HMAC-SM3 over the raw body with the key shared with
the gateway (`ONETRIP_PAYMENT_SECRET`).

The sandbox gateway is a cashier page of this platform and its own ledger, so that the whole
flow (pay, notify, reconcile) can be tried before a county is connected."""

import dataclasses
import datetime
import functools
import hmac
from urllib.parse import urlencode

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

SIGNATURE_HEADER = "X-Payment-Signature"


@dataclasses.dataclass(frozen=True)
class StatementLine:
    """One payment the gateway says it collected."""

    transaction_id: str
    code: str
    amount: int  # fen
    paid_at: datetime.datetime


class SandboxGateway:
    name = "sandbox"

    def checkout_url(self, order, return_url: str) -> str:
        return (
            reverse("payments:sandbox", args=[order.code]) + "?" + urlencode({"return": return_url})
        )

    def statement(self, day: datetime.date) -> list[StatementLine]:
        from .models import SandboxPayment

        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        rows = SandboxPayment.objects.filter(
            paid_at__gte=start, paid_at__lt=start + datetime.timedelta(days=1)
        ).order_by("paid_at")
        return [StatementLine(r.transaction_id, r.code, r.amount, r.paid_at) for r in rows]


@functools.cache
def _gateway(path: str):
    return import_string(path)()


def gateway():
    """The configured gateway, or None: online payment is off (production until a gateway is
    configured), and orders are paid at the window."""
    path = getattr(settings, "ONETRIP_PAYMENT_GATEWAY", "")
    return _gateway(path) if path else None


def gateway_name() -> str:
    configured = gateway()
    return configured.name if configured is not None else ""


def _key() -> bytes:
    secret = settings.ONETRIP_PAYMENT_SECRET
    if secret:
        return secret.encode()
    # Unset (development, the demo): derived from SECRET_KEY, so that nothing else can sign.
    return hmac.new(settings.SECRET_KEY.encode(), b"onetrip.payments", "sha256").digest()


def sign(body: bytes) -> str:
    mac = crypto_hmac.HMAC(_key(), hashes.SM3())
    mac.update(body)
    return mac.finalize().hex()


def signature_ok(body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(body), (signature or "").strip().lower())
