"""Queue Celery tasks after the transaction commits, robustly; the base class of every task.

A task module imports the service it runs; the service queues that task by name through
here, so neither imports the other (no import circle, not even inside a function).

A broker that is away must never fail or hold up a request whose work is committed:
``queue_on_commit`` publishes with the short ``CELERY_TASK_PUBLISH_RETRY_POLICY`` and the
short ``CELERY_BROKER_CONNECTION_TIMEOUT``, logs any failure to publish and carries on. The
work stays recorded as pending (a notice without its PDF, a notification not yet e-mailed)
and the sweeps named in ``QUEUE_SWEEPS`` queue it again (celery beat, or
``manage.py requeue_pending``). A task that fails for any reason retries with exponential
backoff (``RetryingTask``); after the last try its ``record_failure`` notes the failure on
the record, where staff see it and can queue it again."""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta

from celery import Task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .celery import app

logger = logging.getLogger(__name__)


def task_named(name: str) -> Task:
    """The registered task; the apps' ``tasks`` modules are imported on first need (Celery's
    autodiscovery runs only when a worker starts)."""
    if name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks[name]


def publish_options() -> dict:
    """How a task is published from a request: a couple of quick connection retries, and no
    result subscription (nobody waits for these results; subscribing to the result store of
    a broker that is away would hold the request ~20 s and break the process's consumer)."""
    return {
        "retry": True,
        "retry_policy": dict(settings.CELERY_TASK_PUBLISH_RETRY_POLICY),
        "ignore_result": True,
    }


def queue_now(name: str, *args, **kwargs) -> bool:
    """Publish the task named ``name`` at once. Never raises: a failure to publish is logged
    and answered False; the caller's record stays pending for the sweeps."""
    try:
        task_named(name).apply_async(args, kwargs, **publish_options())
    except Exception:  # noqa: BLE001 - whatever the broker or an eager task raised
        logger.exception("Could not queue %s%r; the sweep will queue it again.", name, args)
        return False
    return True


def queue_on_commit(name: str, *args, **kwargs) -> None:
    """Queue the task named ``name`` once the current transaction commits (robustly: see
    ``queue_now``); nothing is queued if it rolls back."""
    transaction.on_commit(lambda: queue_now(name, *args, **kwargs))


def sweep_cutoff(grace_seconds: int | None = None) -> datetime:
    """Records pending since before this were not queued, or their worker died: the sweeps
    queue them again. The grace period leaves the normal path time to do its work."""
    if grace_seconds is None:
        grace_seconds = settings.QUEUE_SWEEP_GRACE_SECONDS
    return timezone.now() - timedelta(seconds=grace_seconds)


class RetryingTask(Task):
    """Every task's base: any exception is retried with exponential backoff and jitter, up to
    ``CELERY_TASK_MAX_RETRIES`` times; then ``record_failure`` (each task's own, given with
    ``on_failure``-like arguments) notes it for staff."""

    abstract = True
    autoretry_for = (Exception,)
    retry_backoff = True
    retry_backoff_max = 600
    retry_jitter = True

    @property
    def max_retries(self) -> int:  # read when retrying, so tests and settings may change it
        return settings.CELERY_TASK_MAX_RETRIES

    def apply(self, args=None, kwargs=None, *, retries=None, throw=None, **options):
        """Run in-process (no broker): retry as a worker would. Celery's eager retry stops at
        the first ``Retry`` when eager exceptions propagate, so each try runs without
        propagating and the first call raises the final error, if it should."""
        result = super().apply(args, kwargs, retries=retries, throw=False, **options)
        propagate = self.app.conf.task_eager_propagates if throw is None else throw
        if propagate and not retries and result.failed():
            raise result.result
        return result

    def record_failure(self, exc: BaseException, args: tuple, kwargs: dict) -> None:
        """Note the final failure on the task's record(s). Tasks with a record override it."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        logger.error("Task %s%r failed for good: %s", self.name, tuple(args), failure_text(exc))
        try:
            self.record_failure(exc, tuple(args), dict(kwargs))
        except Exception:  # noqa: BLE001 - recording must not hide the original failure
            logger.exception("Could not record the failure of %s%r", self.name, tuple(args))


def failure_text(exc: BaseException) -> str:
    """What staff read of an error: its type and message, kept short. An SMTP error keeps its
    type and reply code only: its message names the recipients' addresses, which belong on
    neither another user's record nor a log line."""
    if isinstance(exc, smtplib.SMTPException):
        code = getattr(exc, "smtp_code", None)
        return f"{type(exc).__name__}" + (f" ({code})" if code else "")
    return f"{type(exc).__name__}: {exc}"[:1000]


def attempts(task: Task) -> int:
    """How many times the task ran, this run included."""
    return (task.request.retries or 0) + 1
