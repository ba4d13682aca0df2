from celery import shared_task

from kunqu_jiafu.queue import RetryingTask

from .retention import purge_expired


@shared_task(base=RetryingTask)
def purge_expired_personal_data() -> int:
    """Nightly (celery beat): delete what has outlived its retention period."""
    return sum(count for _label, count in purge_expired())
