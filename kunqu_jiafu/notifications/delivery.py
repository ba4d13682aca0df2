"""Emailing notifications: the work the ``send_notification_emails`` task runs.

It sits apart from ``services.py`` so the arrows run one way: services queue the task
(services → tasks), the task calls this (tasks → delivery), and nothing imports back.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext

from kunqu_jiafu.queue import failure_text

from .models import Notification

SEND_TASK = "kunqu_jiafu.notifications.tasks.send_notification_emails"
# An e-mail more than this late is no longer worth sending; the notification stays on the site.
SWEEP_MAX_AGE = timedelta(days=7)


class EmailsNotSent(Exception):
    """Some e-mails of a batch failed; the others were sent. The task's retry sends only these
    (the sent ones are claimed), and a final failure is noted on these alone."""

    def __init__(self, ids: list[int], first: BaseException):
        super().__init__(
            gettext("%(n)s e-mails not sent: %(error)s")
            % {"n": len(ids), "error": failure_text(first)}
        )
        self.ids = ids


def notification_send_emails(ids: list[int]) -> int:
    """Send each unsent notification once; the conditional UPDATE claims it first. One that
    fails does not stop the rest of the batch."""
    sent = 0
    failed: list[int] = []
    first_error: BaseException | None = None
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
        except Exception as exc:  # noqa: BLE001 - any SMTP or network error
            # Release the claim so the task's retry sends it.
            Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
            failed.append(notification.pk)
            first_error = first_error or exc
            continue
        sent += 1
    if failed:
        raise EmailsNotSent(failed, first_error)
    return sent


def notifications_unsent(*, before: datetime) -> list[int]:
    """Notifications never e-mailed, made before ``before`` and within the sweep's reach, that
    did not fail for good (staff send those again)."""
    return list(
        Notification.objects.filter(
            emailed_at__isnull=True,
            email_failed_at__isnull=True,
            created_at__lt=before,
            created_at__gte=timezone.now() - SWEEP_MAX_AGE,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def notification_emails_failed(ids: list[int], *, error: str, attempts: int) -> None:
    """The e-mail task gave up: note it on the notifications it did not send."""
    Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(
        email_failed_at=timezone.now(), email_error=error, email_attempts=attempts
    )
