"""Pluggable SMS backends. Production points ONETRIP_SMS_BACKEND at the county's SMS gateway."""

import logging
import sys
from dataclasses import dataclass

logger = logging.getLogger("onetrip.sms")


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str


class ConsoleSmsBackend:
    """The demo: prints each message, so the codes can be read from the terminal."""

    def send(self, message: SmsMessage) -> None:
        print(f"[SMS → {message.phone}] {message.text}", file=sys.stderr, flush=True)


class LocmemSmsBackend:
    """Tests: keeps messages in `outbox` (shared by threads of one process)."""

    outbox: list[SmsMessage] = []

    def send(self, message: SmsMessage) -> None:
        type(self).outbox.append(message)
