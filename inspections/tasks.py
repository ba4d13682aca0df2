from celery import shared_task

from kunqu_jiafu.queue import RetryingTask

from .services.rectifications import rectifications_lapse


@shared_task(base=RetryingTask)
def lapse_rectifications() -> dict[str, int]:
    """Nightly (celery beat): open rectifications past their deadline lapse and the
    recognitions involved are revoked (优胜劣汰); the agencies are notified."""
    return rectifications_lapse()
