import logging

from celery import shared_task

from .backends import SmsMessage

logger = logging.getLogger(__name__)


def send_batch(messages) -> list[tuple[str, str]]:
    """Each message to the backend. Returns those the gateway could not take for now
    (ConnectionError), to be tried again; any other failure is logged and not retried."""
    from .services import sms_backend

    backend, retry = sms_backend(), []
    for phone, text in messages:
        try:
            backend.send(SmsMessage(phone=phone, text=text))
        except ConnectionError:
            retry.append((phone, text))
        except Exception:
            logger.exception("SMS to %s…%s failed", phone[:3], phone[-2:])
    return retry


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def deliver_sms(phone: str, text: str) -> None:
    """One message (tasks queued by earlier versions)."""
    from .services import sms_backend

    sms_backend().send(SmsMessage(phone=phone, text=text))


@shared_task(bind=True, max_retries=5)
def deliver_sms_batch(self, messages: list[list[str]]) -> None:
    """The messages a process's sender gathered (notify.sending); those the gateway could not
    take are tried again later, with growing pauses."""
    retry = send_batch(messages)
    if retry:
        raise self.retry(args=[[list(m) for m in retry]], countdown=2 ** (self.request.retries + 1))
