from celery import shared_task

from .backends import SmsMessage


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def deliver_sms(phone: str, text: str) -> None:
    from .services import sms_backend

    sms_backend().send(SmsMessage(phone=phone, text=text))
