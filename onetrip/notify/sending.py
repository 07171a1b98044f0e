"""SMS leave the request through a per-process sender thread, in batches.

Why: handing one SMS to Celery (a Redis publish through kombu) costs a submission about a fifth
of its CPU time, and a broker that is briefly down made a committed change answer 500 (the
publish ran in `on_commit`, after the data was saved). Now `queue()` only appends to a list; a
daemon thread per process hands whatever has gathered to Celery as one `deliver_sms_batch`
task (or, in one-box mode, to the SMS backend) at most `ONETRIP_WRITE_BEHIND_SECONDS` (0.2 s)
after the first of them came, and retries after a failure. Under load a process's messages of
those 0.2 s share one publish.

The loss bound is that of decision 0012: a process killed without warning loses the SMS it had
not yet handed on (at most 0.2 s worth); a normal shutdown hands them on at exit. The in-app
message is written in the change's own transaction and is never lost. With
`ONETRIP_WRITE_BEHIND_SECONDS = 0` (the test settings) `queue()` hands the message on at once.
"""

import atexit
import logging
import time

from django.conf import settings

from onetrip.core import writebehind
from onetrip.core.pending import PendingList

logger = logging.getLogger(__name__)

_RETRY_SECONDS = (1, 2, 5, 10, 30)


class GatewayUnavailable(ConnectionError):
    """The SMS gateway took some messages but not these (one-box mode)."""

    def __init__(self, messages: list[tuple[str, str]]):
        super().__init__(f"{len(messages)} SMS not taken by the gateway")
        self.messages = messages


def hand_on(messages: list[tuple[str, str]]) -> None:
    """Celery's batch task with a broker; the backend itself in one-box mode (Celery's eager
    apply would add its tracing to every request and gains nothing in-process)."""
    from .tasks import deliver_sms_batch, send_batch

    if settings.CELERY_TASK_ALWAYS_EAGER:
        retry = send_batch(messages)
        if retry:
            raise GatewayUnavailable(retry)
    else:
        deliver_sms_batch.delay([list(message) for message in messages])


class _Sender(PendingList):
    """The process's (phone, text) pairs waiting to be handed on, and the thread that does it."""

    thread_name = "onetrip-sms"

    def add(self, message: tuple[str, str]) -> None:
        super().add(message)
        self.wake.set()

    def send_pending(self) -> int:
        messages = self.take()
        if messages:
            try:
                hand_on(messages)
            except GatewayUnavailable as refused:
                self.put_back(refused.messages)  # the others went out
                raise
            except BaseException:
                self.put_back(messages)
                raise
        return len(messages)

    def run(self) -> None:
        failures = 0
        while True:
            self.wake.wait()
            self.wake.clear()
            # Let a batch gather: a sync worker serves one request at a time, so without this
            # pause every message would be a publish of its own.
            time.sleep(max(0.0, self.oldest + writebehind.interval() - time.monotonic()))
            try:
                self.send_pending()
                failures = 0
            except Exception:
                delay = _RETRY_SECONDS[min(failures, len(_RETRY_SECONDS) - 1)]
                failures += 1
                logger.exception("SMS could not be handed on; retrying in %s s", delay)
                time.sleep(delay)
                self.wake.set()


_sender = _Sender()


def _current() -> _Sender:
    """This process's sender; after a fork the child starts empty with its own thread."""
    global _sender
    if _sender.forked:
        _sender = _Sender()
    return _sender


def queue(*, phone: str, text: str) -> None:
    if writebehind.interval() <= 0:
        try:
            hand_on([(phone, text)])
        except Exception:  # the change is committed already: it must not answer 500
            logger.exception("SMS could not be handed on")
        return
    _current().add((phone, text))


def pending() -> int:
    return len(_current().items)


def send_pending() -> int:
    """Hand on what is queued now (tests, shutdown); returns how many messages."""
    return _current().send_pending()


@atexit.register
def _send_at_exit() -> None:
    if not _sender.forked and _sender.items:
        try:
            send_pending()
        except Exception:
            logger.exception("%d SMS could not be handed on at exit", pending())
