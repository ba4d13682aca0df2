from celery import shared_task

from .retention import purge_expired


@shared_task
def purge_expired_personal_data() -> int:
    """Nightly (celery beat): delete what has outlived its retention period."""
    return sum(count for _label, count in purge_expired())
