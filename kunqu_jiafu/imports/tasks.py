from celery import shared_task
from django.conf import settings

from kunqu_jiafu.queue import RetryingTask, failure_text

from .jobs import fail_job, run_job


class ImportJobTask(RetryingTask):
    def record_failure(self, exc, args, kwargs):
        fail_job(args[0], failure_text(exc))


# On a real worker Celery's limits bound the whole task (the checks and the write) too: the
# soft limit raises inside it (the write's transaction rolls back), the hard one ends the
# process. The file itself is read under the tighter limits of ``limits.run_limited``, which
# hold in-process (no broker) as well.
@shared_task(
    base=ImportJobTask,
    soft_time_limit=settings.IMPORT_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.IMPORT_TASK_TIME_LIMIT,
)
def run_import_job(job_id: str) -> str:
    return run_job(job_id)
