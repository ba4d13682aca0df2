from celery import shared_task

from .delivery import notification_send_emails


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_emails(ids: list[int]) -> int:
    return notification_send_emails(ids)
