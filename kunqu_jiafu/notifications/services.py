from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

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
        from .tasks import send_notification_emails

        ids = [n.pk for n in created]
        transaction.on_commit(lambda: send_notification_emails.delay(ids))
    return created


def notification_send_emails(ids: list[int]) -> int:
    """Send each unsent notification once; the conditional UPDATE claims it first."""
    sent = 0
    for notification in Notification.objects.filter(pk__in=ids).select_related("recipient"):
        claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed or not notification.recipient.email:
            continue
        link = f"{settings.SITE_URL}{notification.url}" if notification.url else ""
        try:
            send_mail(
                subject=gettext("[Kunqu Family Services] %(title)s")
                % {"title": notification.title},
                message="\n\n".join(part for part in (notification.body, link) if part),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[notification.recipient.email],
            )
        except Exception:
            # Release the claim so the task's retry sends it.
            Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
            raise
        sent += 1
    return sent


def notifications_mark_read(user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def unread_count(user) -> int:
    return Notification.objects.filter(Q(recipient=user) & Q(read_at__isnull=True)).count()
