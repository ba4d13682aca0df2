"""Notice PDFs are made by Celery after the decision commits, never inside the request.

Queueing follows FIELD-NOTES "Queueing after commit": the services queue this task by name
(``kunqu_jiafu.queue.queue_on_commit(RENDER_TASK, pk, robust=True)``) so the decision
stands whatever happens to the PDF; ``delay`` here publishes with ``retry=False`` and the
short ``CELERY_BROKER_CONNECTION_TIMEOUT``, so an unreachable broker fails in seconds instead
of holding the request for ~30 s; and ``sweep_unrendered_notices`` (celery beat) queues again
every notice whose PDF was never made. Without a broker (the default) tasks run eagerly."""

from __future__ import annotations

from celery import Task, shared_task

from .models import Notice
from .services.notices import notice_render

SWEEP_BATCH = 200


class FailFastTask(Task):
    """``delay`` publishes once (no connection retries): callers run after a commit."""

    def delay(self, *args, **kwargs):
        return self.apply_async(args, kwargs, retry=False)


@shared_task(base=FailFastTask, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def render_notice(notice_id: int, only_if_missing: bool = False) -> int:
    if only_if_missing and Notice.objects.filter(pk=notice_id, document__isnull=False).exists():
        return notice_id  # made meanwhile: the sweep must not replace a good PDF
    return notice_render(notice_id).pk


@shared_task
def sweep_unrendered_notices() -> int:
    """Every ten minutes (celery beat): queue again the notices that still have no PDF (the
    broker was away when they were decided, or a worker died). Returns how many."""
    pending = Notice.objects.filter(document__isnull=True).order_by("pk")
    ids = list(pending.values_list("pk", flat=True)[:SWEEP_BATCH])
    for notice_id in ids:
        render_notice.delay(notice_id, only_if_missing=True)
    return len(ids)
