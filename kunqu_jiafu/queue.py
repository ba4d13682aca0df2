"""Queue a Celery task by its name once the transaction commits.

A task module imports the service it runs; the service queues that task by name through
here, so neither imports the other (no import circle, not even inside a function)."""

from __future__ import annotations

from celery import Task
from django.db import transaction

from .celery import app


def task_named(name: str) -> Task:
    """The registered task; the apps' ``tasks`` modules are imported on first need (Celery's
    autodiscovery runs only when a worker starts)."""
    if name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks[name]


def queue_on_commit(name: str, *args, robust: bool = False, **kwargs) -> None:
    """``delay`` the task named ``name`` after the current transaction commits. ``robust``: a
    failure to queue (broker away) is logged, not raised, so the committed work stands."""
    transaction.on_commit(lambda: task_named(name).delay(*args, **kwargs), robust=robust)
