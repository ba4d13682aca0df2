from celery import shared_task

from kunqu_jiafu.queue import RetryingTask, attempts, failure_text, queue_now, sweep_cutoff

from .delivery import (
    SEND_TASK,
    notification_emails_failed,
    notification_send_emails,
    notifications_unsent,
)

SWEEP_BATCH = 200


class SendEmailsTask(RetryingTask):
    def record_failure(self, exc, args, kwargs):
        ids = getattr(exc, "ids", None) or args[0]  # only those not sent, when known
        notification_emails_failed(ids, error=failure_text(exc), attempts=attempts(self))


@shared_task(base=SendEmailsTask)
def send_notification_emails(ids: list[int]) -> int:
    return notification_send_emails(ids)


@shared_task(base=RetryingTask)
def sweep_unsent_notification_emails(grace_seconds: int | None = None) -> int:
    """Every ten minutes (celery beat): queue again the e-mails of notifications left unsent
    after the grace period (the broker was away, or a worker died). Returns how many."""
    ids = notifications_unsent(before=sweep_cutoff(grace_seconds))[:SWEEP_BATCH]
    if ids and not queue_now(SEND_TASK, ids):
        return 0
    return len(ids)
