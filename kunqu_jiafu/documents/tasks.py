from celery import shared_task

from kunqu_jiafu.queue import RetryingTask

from .services import sweep_orphan_files


@shared_task(base=RetryingTask)
def sweep_orphan_upload_files() -> int:
    """Nightly (celery beat): uploads whose transaction rolled back are deleted after a day."""
    return len(sweep_orphan_files(older_than_hours=24))
