"""Import jobs: start one from an upload, run it in the task, confirm it, show it to whom.

* ``start_job`` screens the upload at once (size, kind, the guard: cheap, and the user gets
  the clear message on the upload page), stores it privately, records the job and queues the
  task after commit (``queue_on_commit``; in-process when there is no broker).
* ``run_job`` (the task) reads the file under the limits, reporting progress, and hands the
  rows to the app's runner (``RUNNERS``: the worker import, the roster import), which checks
  and, for the write step, writes everything in one transaction or nothing. A file refused
  (a limit, a damaged file, a missing header) fails the job with its message.
* ``confirm_job`` queues the write step of a checked roster (the preview → confirm flow).
* ``job_for_user`` is the only way a page finds a job: the agency's own users and bureau
  staff; anyone else gets nothing (a 404, not a 403: no job's existence is told).
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from kunqu_jiafu.accounts.roles import is_agency_user, is_staff_member
from kunqu_jiafu.queue import queue_on_commit

from .limits import time_limit_error
from .models import ImportJob
from .reading import screen_upload
from .spec import ImportSpec

logger = logging.getLogger(__name__)

RUN_TASK = "kunqu_jiafu.imports.tasks.run_import_job"
# What each kind of job runs: ``runner(job, uploaded_file, progress) -> (status, outcome)``.
# Strings, so the core names the apps' runners without importing the apps.
RUNNERS = {
    ImportJob.Kind.WORKERS: "agencies.imports.run_worker_job",
    ImportJob.Kind.ROSTER: "training.imports.run_roster_job",
}
_PROGRESS_SAVE_EVERY = 0.5  # seconds between progress writes


def start_job(
    *,
    actor,
    kind: str,
    spec: ImportSpec,
    agency,
    uploaded_file,
    step: str = ImportJob.Step.WRITE,
    target_id: int | None = None,
    via_admin: bool = False,
) -> ImportJob:
    """Screen the upload (raises the file's ValidationError), store it, queue its task."""
    screen_upload(uploaded_file, spec)
    uploaded_file.seek(0)
    name = os.path.basename(getattr(uploaded_file, "name", "") or "import.xlsx")[-100:]
    data = uploaded_file.read()
    with transaction.atomic():
        job = ImportJob(
            kind=kind,
            step=step,
            agency=agency,
            target_id=target_id,
            created_by=actor,
            via_admin=via_admin,
            file_name=name,
            sha256=hashlib.sha256(data).hexdigest(),
        )
        suffix = ".csv" if name.lower().endswith(".csv") else ".xlsx"
        job.file.save(f"{job.pk.hex}{suffix}", ContentFile(data), save=False)
        job.save()
        queue_on_commit(RUN_TASK, str(job.pk))
    return job


def confirm_job(job: ImportJob) -> bool:
    """Queue the write of a checked job; False when it is not (or no longer) waiting."""
    with transaction.atomic():
        claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.CHECKED).update(
            status=ImportJob.Status.QUEUED,
            step=ImportJob.Step.WRITE,
            queued_at=timezone.now(),
            rows_read=0,
            started_at=None,
            finished_at=None,
        )
        if claimed:
            queue_on_commit(RUN_TASK, str(job.pk))
    return bool(claimed)


def run_job(job_id: str, *, retrying: bool = False) -> str:
    """The task's work: read, check (and write) the job's file; returns the final status.
    Only a waiting job is started (a retry also resumes its own running job), so a job queued
    twice (by the sweep) runs once."""
    now = timezone.now()
    startable = ImportJob.UNFINISHED if retrying else (ImportJob.Status.QUEUED,)
    claimed = ImportJob.objects.filter(pk=job_id, status__in=startable).update(
        status=ImportJob.Status.RUNNING, started_at=now
    )
    job = ImportJob.objects.select_related("created_by", "agency").filter(pk=job_id).first()
    if job is None or not claimed:
        return job.status if job else "missing"
    runner: Callable = import_string(RUNNERS[job.kind])
    try:
        with job.file.open("rb") as stored:
            data = stored.read()
        if hashlib.sha256(data).hexdigest() != job.sha256:
            return _finish(
                job,
                ImportJob.Status.FAILED,
                error=_(
                    "The stored file was changed after it was uploaded; nothing was imported. "
                    "Please upload the file again."
                ),
            )
        status, outcome = runner(
            job, SimpleUploadedFile(job.file_name, data), _progress_saver(job.pk)
        )
    except ValidationError as exc:
        return _finish(job, ImportJob.Status.FAILED, error=" ".join(_messages(exc)))
    except PermissionDenied as exc:
        return _finish(job, ImportJob.Status.FAILED, error=str(exc))
    except SoftTimeLimitExceeded:  # a real worker's limit for the whole task
        return _finish(job, ImportJob.Status.FAILED, error=" ".join(_messages(time_limit_error())))
    except FileNotFoundError:
        return _finish(
            job,
            ImportJob.Status.FAILED,
            error=_("The uploaded file is no longer on the server; please upload it again."),
        )
    return _finish(job, status, outcome=outcome)


def jobs_never_started(before) -> list[str]:
    """Jobs queued before ``before`` that no worker has started (the broker was away)."""
    waiting = ImportJob.objects.filter(status=ImportJob.Status.QUEUED, queued_at__lt=before)
    return [str(pk) for pk in waiting.order_by("queued_at").values_list("pk", flat=True)]


def fail_stalled_jobs(before) -> int:
    """Jobs started before ``before`` and still running: their worker died (the task's hard
    time limit is long past). They fail, with a message, for their user and staff."""
    return ImportJob.objects.filter(status=ImportJob.Status.RUNNING, started_at__lt=before).update(
        status=ImportJob.Status.FAILED,
        finished_at=timezone.now(),
        error=_(
            "The import stopped before it finished; nothing was imported. Please upload the file again."
        ),
    )


def fail_job(job_id: str, error: str) -> None:
    """The task failed for good (after its retries): the job says so, for its user and staff."""
    ImportJob.objects.filter(pk=job_id, status__in=ImportJob.UNFINISHED).update(
        status=ImportJob.Status.FAILED,
        finished_at=timezone.now(),
        error=_("The import could not be completed (%(error)s); please upload the file again.")
        % {"error": error[:300]},
    )


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for messages in exc.message_dict.values() for m in messages]
    return list(exc.messages)


def _finish(job: ImportJob, status: str, *, outcome: dict | None = None, error: str = "") -> str:
    job.status = status
    job.outcome = outcome or {}
    if status == ImportJob.Status.DONE:
        job.outcome.pop("lines", None)  # the preview's names and masked numbers: no longer needed
    job.error = error
    job.finished_at = timezone.now()
    if status != ImportJob.Status.CHECKED and job.file:
        job.file.delete(save=False)  # the file is kept only while a confirmation may come
    job.save(update_fields=("status", "outcome", "error", "finished_at", "file"))
    return status


def _progress_saver(job_id) -> Callable[[int, int], None]:
    last = [0.0]

    def save(done: int, total: int) -> None:
        now = timezone.now().timestamp()
        if now - last[0] >= _PROGRESS_SAVE_EVERY or done >= total:
            last[0] = now
            ImportJob.objects.filter(pk=job_id).update(rows_read=done, rows_total=total)

    return save


def outcome_of(result_or_preview) -> dict[str, Any]:
    """What the job page shows of an ``ImportResult`` or a ``Preview``: counts and errors."""
    data = asdict(result_or_preview)
    data["errors"] = sorted(data.get("errors", []), key=lambda e: (e["row"], e["field"]))
    return data


# --- who sees a job ---------------------------------------------------------------------


def jobs_for_user(user):
    """The jobs this user may see: staff every job, an agency user their agency's."""
    qs = ImportJob.objects.select_related("agency", "created_by")
    if is_staff_member(user):
        return qs
    membership = getattr(user, "agency_membership", None) if user.is_authenticated else None
    if is_agency_user(user) and membership is not None:
        return qs.filter(agency_id=membership.agency_id)
    return qs.none()


def job_for_user(user, job_id) -> ImportJob | None:
    return jobs_for_user(user).filter(pk=job_id).first()
