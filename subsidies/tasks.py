"""Notice PDFs are made by Celery after the decision commits, never inside the request.

The services queue ``render_notice`` by name through ``kunqu_jiafu.queue.queue_on_commit``,
so the decision stands whatever happens to the broker; ``sweep_unrendered_notices`` (celery
beat, and ``manage.py requeue_pending``) queues again every notice whose PDF was never made;
a render that keeps failing is recorded on the notice, shown to staff, and regenerated from
the notices' admin. Without a broker (the default) tasks run eagerly."""

from __future__ import annotations

from celery import shared_task

from kunqu_jiafu.queue import RetryingTask, attempts, failure_text, queue_now, sweep_cutoff

from .models import Notice
from .services.notices import RENDER_TASK, notice_render, notice_render_failed

SWEEP_BATCH = 200


class RenderNoticeTask(RetryingTask):
    def record_failure(self, exc, args, kwargs):
        notice_render_failed(args[0], error=failure_text(exc), attempts=attempts(self))


@shared_task(base=RenderNoticeTask)
def render_notice(notice_id: int, only_if_missing: bool = False) -> int:
    if only_if_missing and Notice.objects.filter(pk=notice_id, document__isnull=False).exists():
        return notice_id  # made meanwhile: the sweep must not replace a good PDF
    return notice_render(notice_id, only_if_missing=only_if_missing).pk


@shared_task(base=RetryingTask)
def sweep_unrendered_notices(grace_seconds: int | None = None) -> int:
    """Every ten minutes (celery beat): queue again the notices still without a PDF after the
    grace period (the broker was away when they were decided, or a worker died), except those
    recorded as failed (staff regenerate them). Returns how many were queued."""
    pending = Notice.objects.filter(
        document__isnull=True,
        render_failed_at__isnull=True,
        created_at__lt=sweep_cutoff(grace_seconds),
    ).order_by("pk")
    ids = list(pending.values_list("pk", flat=True)[:SWEEP_BATCH])
    return sum(queue_now(RENDER_TASK, notice_id, only_if_missing=True) for notice_id in ids)
