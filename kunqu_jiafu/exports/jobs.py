"""Export jobs: start one, run it in the task, retry it, and show it only to who asked.

* ``start_job`` records the job (the exporter's key, the list's query string, the user) and
  queues ``tasks.run_export_job`` after commit.
* ``run_job`` (the task) rebuilds the records from the stored query string for that user,
  asking the exporter again whether the user may still export, writes the XLSX in chunks
  with progress, and stores it privately. A refusal (no longer permitted, filters no longer
  valid, an export that no longer exists) fails the job with its message; any other error
  is retried by the task, then recorded by ``fail_job``.
* ``retry_job`` queues a failed job (or one no worker started) again.
* ``jobs_for_user``: a job is its user's alone. The file was made with that user's rights
  (ID numbers masked as that user sees them), so no one else, staff included, sees it.
"""

from __future__ import annotations

from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kunqu_jiafu.audit.services import audit_log
from kunqu_jiafu.queue import queue_on_commit, sweep_cutoff

from . import registry
from .models import ExportJob
from .writing import export_xlsx

RUN_TASK = "kunqu_jiafu.exports.tasks.run_export_job"
KEEP_FILES = timedelta(days=7)  # finished jobs' files are deleted after this (the sweep)
_PROGRESS_SAVE_EVERY = 0.5  # seconds between progress writes


def start_job(*, actor, exporter: registry.Exporter, query: str, total: int) -> ExportJob:
    with transaction.atomic():
        job = ExportJob.objects.create(
            exporter_key=exporter.key,
            label=exporter.label[:100],
            query=query,
            created_by=actor,
            rows_total=total,
            file_name=exporter.filename()[:150],
        )
        audit_log(
            actor,
            job,
            "exports.exportjob.requested",
            after={"export": job.exporter_key, "rows": total},
        )
        queue_on_commit(RUN_TASK, str(job.pk))
    return job


def retry_job(job: ExportJob, *, actor) -> bool:
    """Queue a failed job again, or one queued long ago that no worker started (the broker was
    away); False when it is neither."""
    stale = ExportJob.objects.filter(
        pk=job.pk, status=ExportJob.Status.QUEUED, created_at__lt=sweep_cutoff()
    )
    with transaction.atomic():
        claimed = (
            ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.FAILED) | stale
        ).update(
            status=ExportJob.Status.QUEUED,
            error="",
            rows_written=0,
            started_at=None,
            finished_at=None,
        )
        if claimed:
            audit_log(actor, job, "exports.exportjob.retried", after={"export": job.exporter_key})
            queue_on_commit(RUN_TASK, str(job.pk))
    return bool(claimed)


def run_job(job_id: str, *, retrying: bool = False) -> str:
    """The task's work; returns the job's final status. Only a waiting job is started (a
    retry of the task resumes its own running job), so a job queued twice runs once."""
    startable = ExportJob.UNFINISHED if retrying else (ExportJob.Status.QUEUED,)
    claimed = ExportJob.objects.filter(pk=job_id, status__in=startable).update(
        status=ExportJob.Status.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    job = ExportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None or not claimed:
        return job.status if job else "missing"
    exporter = registry.exporter(job.exporter_key)
    if exporter is None:
        return _finish(job, ExportJob.Status.FAILED, error=_("This export no longer exists."))
    try:
        queryset = exporter.queryset(job.created_by, job.query)
        total = queryset.count()
    except PermissionDenied:
        return _finish(
            job,
            ExportJob.Status.FAILED,
            error=_("You may no longer export this list; nothing was written."),
        )
    except (IncorrectLookupParameters, ValidationError, ValueError):
        return _finish(
            job,
            ExportJob.Status.FAILED,
            error=_(
                "The filters of the list are not valid; open the list, filter it again and "
                "export again."
            ),
        )
    # Anything else failing from here on (the database, the disk) is retried by the task.
    ExportJob.objects.filter(pk=job.pk).update(rows_total=total, rows_written=0)
    try:
        data = export_xlsx(
            exporter, job.created_by, queryset, total=total, progress=_progress_saver(job.pk)
        )
    except SoftTimeLimitExceeded:  # a real worker's limit: trying again would not help
        return _finish(
            job,
            ExportJob.Status.FAILED,
            error=_("The export took too long; narrow the list with its filters and export again."),
        )
    job.file.save(f"{job.pk.hex}.xlsx", ContentFile(data), save=False)
    job.rows_total = job.rows_written = total
    return _finish(job, ExportJob.Status.DONE)


def fail_job(job_id: str, error: str) -> None:
    """The task failed for good (after its retries): the job keeps why, and may be retried."""
    ExportJob.objects.filter(pk=job_id, status__in=ExportJob.UNFINISHED).update(
        status=ExportJob.Status.FAILED,
        finished_at=timezone.now(),
        error=_("The export could not be completed (%(error)s); you may try again.")
        % {"error": error[:300]},
    )


def fail_stalled_jobs(before) -> int:
    """Jobs still running since before ``before``: their worker died. They fail (retryable)."""
    return ExportJob.objects.filter(status=ExportJob.Status.RUNNING, started_at__lt=before).update(
        status=ExportJob.Status.FAILED,
        finished_at=timezone.now(),
        error=_("The export stopped before it finished; you may try again."),
    )


def delete_old_files(before) -> int:
    """Delete the files of jobs finished before ``before``: they hold personal data (names,
    ID numbers as their user saw them) and are made again in a minute. The job stays listed;
    its download then says the file is gone."""
    old = ExportJob.objects.filter(finished_at__lt=before).exclude(file="")
    deleted = 0
    for job in old.only("pk", "file"):
        job.file.delete(save=False)
        ExportJob.objects.filter(pk=job.pk).update(file="")
        deleted += 1
    return deleted


def jobs_never_started(before) -> list[str]:
    waiting = ExportJob.objects.filter(status=ExportJob.Status.QUEUED, created_at__lt=before)
    return [str(pk) for pk in waiting.order_by("created_at").values_list("pk", flat=True)]


def _finish(job: ExportJob, status: str, *, error: str = "") -> str:
    job.status = status
    job.error = error
    job.finished_at = timezone.now()
    job.save(update_fields=("status", "error", "finished_at", "file", "rows_total", "rows_written"))
    return status


def _progress_saver(job_id):
    last = [0.0]

    def save(done: int, total: int) -> None:
        now = timezone.now().timestamp()
        if now - last[0] >= _PROGRESS_SAVE_EVERY or done >= total:
            last[0] = now
            ExportJob.objects.filter(pk=job_id).update(rows_written=done, rows_total=total)

    return save


# --- who sees a job ---------------------------------------------------------------------

RECENT = timedelta(days=30)  # the user's list of jobs


def jobs_for_user(user):
    """The user's own jobs (and no one else's)."""
    if not user.is_authenticated:
        return ExportJob.objects.none()
    return ExportJob.objects.filter(created_by=user)


def recent_jobs_for_user(user):
    return jobs_for_user(user).filter(created_at__gte=timezone.now() - RECENT)[:50]


def job_for_user(user, job_id) -> ExportJob | None:
    return jobs_for_user(user).filter(pk=job_id).first()
