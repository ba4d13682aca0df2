from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from kunqu_jiafu.queue import RetryingTask, failure_text, queue_now, sweep_cutoff

from .jobs import (
    KEEP_FILES,
    RUN_TASK,
    delete_old_files,
    fail_job,
    fail_stalled_jobs,
    jobs_never_started,
    run_job,
)

SWEEP_BATCH = 200


class ExportJobTask(RetryingTask):
    def record_failure(self, exc, args, kwargs):
        fail_job(args[0], failure_text(exc))


@shared_task(
    base=ExportJobTask,
    bind=True,
    soft_time_limit=settings.EXPORT_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.EXPORT_TASK_TIME_LIMIT,
)
def run_export_job(self, job_id: str) -> str:
    return run_job(job_id, retrying=bool(self.request.retries))


@shared_task(base=RetryingTask)
def sweep_waiting_export_jobs(grace_seconds: int | None = None) -> int:
    """Every ten minutes (celery beat): queue again the export jobs no worker started (the
    broker was away), fail those whose worker died while writing, and delete the files of
    jobs finished more than ``KEEP_FILES`` ago. Returns how many were queued again."""
    delete_old_files(timezone.now() - KEEP_FILES)
    cutoff = sweep_cutoff(grace_seconds)
    fail_stalled_jobs(cutoff - timedelta(seconds=settings.EXPORT_TASK_TIME_LIMIT))
    ids = jobs_never_started(cutoff)[:SWEEP_BATCH]
    return sum(1 for job_id in ids if queue_now(RUN_TASK, job_id))
