"""Celery tasks of the reports area: produce a run; the schedule's monthly and yearly
reports; the sweep that queues runs no worker started and fails runs whose worker died."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings

from kunqu_jiafu.queue import RetryingTask, failure_text, queue_now, sweep_cutoff

from .services import (
    RUN_TASK,
    fail_stalled_runs,
    run_fail,
    run_generate,
    run_request,
    runs_never_started,
    scheduled_period,
)


class ReportTask(RetryingTask):
    def record_failure(self, exc, args, kwargs):
        run_fail(args[0], failure_text(exc))


@shared_task(
    base=ReportTask,
    soft_time_limit=settings.REPORT_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.REPORT_TASK_TIME_LIMIT,
)
def generate_report(run_id: str) -> str | None:
    """Produce the run. A failure while producing it is kept on the run, which staff retry
    from its page; the task itself retries only what failed around that (the database away
    while starting or recording), and then fails the run."""
    run = run_generate(run_id)
    return run.status if run else None


@shared_task(base=RetryingTask)
def scheduled_monthly_report() -> str:
    """On the 1st of each month (celery beat): this year to the end of last month."""
    year, month = scheduled_period(annual=False)
    run, _joined = run_request(None, year, month, scheduled=True)
    return str(run.pk)


@shared_task(base=RetryingTask)
def scheduled_annual_report() -> str:
    """On 1 January (celery beat): the year before, whole."""
    year, month = scheduled_period(annual=True)
    run, _joined = run_request(None, year, month, scheduled=True)
    return str(run.pk)


@shared_task(base=RetryingTask)
def sweep_waiting_report_runs(grace_seconds: int | None = None) -> int:
    """Every ten minutes: queue again the runs no worker started (the broker was away) and
    fail those whose worker died while producing them. Returns how many were queued."""
    cutoff = sweep_cutoff(grace_seconds)
    fail_stalled_runs(cutoff - timedelta(seconds=settings.REPORT_TASK_TIME_LIMIT))
    return sum(1 for run_id in runs_never_started(cutoff) if queue_now(RUN_TASK, str(run_id)))
