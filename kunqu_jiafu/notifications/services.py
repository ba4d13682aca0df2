from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kunqu_jiafu import audit
from kunqu_jiafu.queue import queue_on_commit

from .delivery import SEND_TASK
from .models import Notification


def notify(users: Iterable, title: str, body: str = "", url: str = "") -> list[Notification]:
    """Record a notification for each user and email them once the transaction commits."""
    seen: set[int] = set()
    created = []
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        created.append(Notification.objects.create(recipient=user, title=title, body=body, url=url))
    if created:
        # After the commit, robustly: if the broker is away the sweep sends them later.
        queue_on_commit(SEND_TASK, [n.pk for n in created])
    return created


def notifications_email_again(*, actor, ids: Iterable[int]) -> int:
    """Staff's retry of e-mails that failed for good: clear the failure and queue them again.
    Returns how many are queued."""
    with transaction.atomic():
        failed = Notification.objects.select_for_update().filter(
            pk__in=list(ids), emailed_at__isnull=True, email_failed_at__isnull=False
        )
        notes = list(failed)
        queued = [note.pk for note in notes]
        for note in notes:
            audit.log(
                actor,
                note,
                "notifications.notification.email_again",
                before={"email_error": note.email_error},
            )
        Notification.objects.filter(pk__in=queued).update(email_failed_at=None, email_error="")
        if queued:
            queue_on_commit(SEND_TASK, queued)
    return len(queued)


def notifications_mark_read(user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def unread_count(user) -> int:
    return Notification.objects.filter(Q(recipient=user) & Q(read_at__isnull=True)).count()
