"""Emailing notifications: the work the ``send_notification_emails`` task runs.

It sits apart from ``services.py`` so the arrows run one way: services queue the task
(services → tasks), the task calls this (tasks → delivery), and nothing imports back.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext

from .models import Notification


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
