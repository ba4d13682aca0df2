from celery import shared_task

from .services import notice_render


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def render_notice(notice_id: int) -> int:
    return notice_render(notice_id).pk
