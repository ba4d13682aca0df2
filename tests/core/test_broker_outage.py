"""A broker outage never fails nor holds up a request, and nothing it leaves undone is lost.

Issue 11: "A broker outage turns an approval into a 30 s hang and a 500, and the notice is
never made. Queue every task robustly after commit with a short connect timeout; a sweeper
(beat, and a command) re-queues documents never rendered and e-mails never sent; a task
failing for any reason retries with backoff, then is recorded as failed and shown to staff."
"""

from __future__ import annotations

import logging
from datetime import timedelta
from io import StringIO

import pytest
from celery.app.task import Task
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from kombu import pools as kombu_pools

from kunqu_jiafu import celery_app
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.notifications.models import Notification
from kunqu_jiafu.notifications.services import notify
from kunqu_jiafu.notifications.tasks import sweep_unsent_notification_emails
from subsidies import tasks as subsidy_tasks
from subsidies.models import Claim, Notice
from tests.subsidies import core_builders as b

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.fixture
def pdf_engine(monkeypatch):
    """A PDF engine that works until ``broken`` is set."""
    state = {"broken": False, "calls": 0}

    def render_pdf(template, context, *args, **kwargs):
        state["calls"] += 1
        if state["broken"]:
            raise RuntimeError("字体文件缺失")
        return PDF_BYTES

    monkeypatch.setattr("kunqu_jiafu.documents.pdf.render_pdf", render_pdf)
    return state


@pytest.fixture
def broker_away(monkeypatch):
    """The broker URL points at a closed port and tasks are published, not run in-process;
    every publish is recorded with its options and then really tried."""
    published: list[dict] = []
    original = Task.apply_async

    def apply_async(task, args=None, kwargs=None, **options):
        published.append({"task": task.name, "args": tuple(args or ()), **options})
        return original(task, args, kwargs, **options)

    monkeypatch.setattr(Task, "apply_async", apply_async)
    monkeypatch.setenv("CELERY_BROKER_URL", CLOSED_PORT)  # Celery reads it before its conf
    previous = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    celery_app.conf.broker_url = CLOSED_PORT
    celery_app.conf.task_always_eager = False
    _forget_connections()
    yield published
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = previous
    _forget_connections()


def _forget_connections():
    """Publish through new connections to the URL now set (kombu keeps pools per URL)."""
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def _approve(client, claim: Claim, capture):
    with capture(execute=True):
        return client.post(
            reverse("admin:subsidies_claim_review", args=[claim.pk, "approve"]),
            {"approved_amount": "100.00", "reason": ""},
        )


def _age(queryset, seconds: int) -> None:
    queryset.update(created_at=timezone.now() - timedelta(seconds=seconds))


def test_an_approval_with_the_broker_away_answers_normally_and_the_work_stays_pending(
    agency_a, org_a, reviewer, approver, client_for, pdf_engine, broker_away, caplog,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    b.fund(approver, "500000.00")
    claim = b.first_passed(agency_a, org_a, reviewer)

    with caplog.at_level(logging.ERROR, logger="kunqu_jiafu.queue"):
        response = _approve(client_for(approver), claim, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.APPROVED
    notice = Notice.objects.get(claim=claim)
    assert notice.document is None and notice.render_failed_at is None  # pending, not lost
    assert pdf_engine["calls"] == 0
    assert Notification.objects.filter(emailed_at__isnull=True).exists()
    # Both the notice and the e-mails were really tried on the closed port, with the short
    # connection retries of the settings and no wait on the result store.
    names = {p["task"] for p in broker_away}
    assert names == {
        "subsidies.tasks.render_notice",
        "kunqu_jiafu.notifications.tasks.send_notification_emails",
    }
    for options in broker_away:
        assert options["retry"] is True and options["ignore_result"] is True
        assert options["retry_policy"] == settings.CELERY_TASK_PUBLISH_RETRY_POLICY
    assert settings.CELERY_TASK_PUBLISH_RETRY_POLICY["max_retries"] <= 2
    assert celery_app.conf.broker_connection_timeout == settings.CELERY_BROKER_CONNECTION_TIMEOUT
    assert settings.CELERY_BROKER_CONNECTION_TIMEOUT <= 2
    refused = [r for r in caplog.records if "Could not queue" in r.getMessage()]
    assert len(refused) == 2 and all(r.exc_info for r in refused)


def test_every_sweep_is_scheduled_by_beat():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert set(settings.QUEUE_SWEEPS) <= scheduled
    assert "kunqu_jiafu.notifications.tasks.sweep_unsent_notification_emails" in scheduled
    assert "subsidies.tasks.sweep_unrendered_notices" in scheduled


def test_requeue_pending_makes_the_notices_and_sends_the_emails_left_by_an_outage(
    agency_a, org_a, reviewer, approver, client_for, pdf_engine, broker_away,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    b.fund(approver, "500000.00")
    claim = b.first_passed(agency_a, org_a, reviewer)
    _approve(client_for(approver), claim, django_capture_on_commit_callbacks)
    notice = Notice.objects.get(claim=claim)
    unsent = Notification.objects.filter(emailed_at__isnull=True)
    recipients = sorted(unsent.values_list("recipient__email", flat=True))
    assert recipients and mail.outbox == []

    # The broker is back (tasks run in-process here); fresh work is left to the normal path.
    celery_app.conf.task_always_eager = True
    out = StringIO()
    call_command("requeue_pending", stdout=out)
    notice.refresh_from_db()
    assert notice.document is None and mail.outbox == []

    _age(Notice.objects.all(), settings.QUEUE_SWEEP_GRACE_SECONDS + 1)
    _age(Notification.objects.all(), settings.QUEUE_SWEEP_GRACE_SECONDS + 1)
    out = StringIO()
    call_command("requeue_pending", stdout=out)

    notice.refresh_from_db()
    assert notice.document is not None and pdf_engine["calls"] == 1
    assert sorted(m.to[0] for m in mail.outbox) == recipients
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    assert "subsidies.tasks.sweep_unrendered_notices：已重新排队 1 项" in out.getvalue()

    # Idempotent: a second run finds nothing and sends nothing twice.
    out = StringIO()
    call_command("requeue_pending", "--grace", "0", stdout=out)
    assert "已重新排队 0 项" in out.getvalue() and "已重新排队 1 项" not in out.getvalue()
    assert pdf_engine["calls"] == 1 and len(mail.outbox) == len(recipients)


def test_the_email_sweep_leaves_fresh_failed_and_week_old_notifications_alone(
    reviewer, approver, official, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # the broker took nothing
        (fresh,) = notify([reviewer], "待审核")
        (failed,) = notify([approver], "待审批")
        (stale,) = notify([official], "旧消息")
    Notification.objects.filter(pk=failed.pk).update(
        email_failed_at=timezone.now(), email_error="SMTPException"
    )
    _age(Notification.objects.exclude(pk=fresh.pk), settings.QUEUE_SWEEP_GRACE_SECONDS + 1)
    _age(Notification.objects.filter(pk=stale.pk), 8 * 24 * 3600)

    assert sweep_unsent_notification_emails() == 0
    assert mail.outbox == []
    _age(Notification.objects.filter(pk=fresh.pk), settings.QUEUE_SWEEP_GRACE_SECONDS + 1)
    assert sweep_unsent_notification_emails() == 1
    assert [m.to for m in mail.outbox] == [[reviewer.email]]


def test_a_render_that_always_fails_is_recorded_shown_to_staff_and_regenerated(
    agency_a, org_a, reviewer, approver, client_for, pdf_engine, settings,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    settings.CELERY_TASK_MAX_RETRIES = 2
    pdf_engine["broken"] = True
    b.fund(approver, "500000.00")
    claim = b.first_passed(agency_a, org_a, reviewer)
    staff = client_for(approver)

    response = _approve(staff, claim, django_capture_on_commit_callbacks)

    assert response.status_code == 302  # the decision stands
    notice = Notice.objects.get(claim=claim)
    assert notice.document is None and pdf_engine["calls"] == 3  # first try and two retries
    assert notice.render_failed_at is not None and notice.render_attempts == 3
    assert notice.render_error == "RuntimeError: 字体文件缺失"
    # The sweep leaves it to staff rather than failing again every ten minutes.
    _age(Notice.objects.all(), settings.QUEUE_SWEEP_GRACE_SECONDS + 1)
    assert subsidy_tasks.sweep_unrendered_notices() == 0

    page = staff.get(reverse("admin:subsidies_claim_change", args=[claim.pk])).content.decode()
    assert 'data-testid="notice-failed"' in page
    assert "通知书生成失败：RuntimeError: 字体文件缺失。可在通知书列表中重新生成。" in page
    assert "kjNoticeRefresh" not in page  # no endless reloading
    portal = client_for(agency_a).get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "通知书生成中" in portal and "字体文件缺失" not in portal
    assert "kjNoticeRefresh" not in portal
    dashboard = staff.get(reverse("admin:index")).content.decode()
    assert "生成失败待重新生成的通知书" in dashboard
    changelist = reverse("admin:subsidies_notice_changelist")
    listed = staff.get(changelist + "?pdf=failed").content.decode()
    assert notice.number in listed and "字体文件缺失" in listed
    assert notice.number not in staff.get(changelist + "?pdf=made").content.decode()

    pdf_engine["broken"] = False
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            changelist,
            {"action": "regenerate_pdf", "_selected_action": [notice.pk]},
        )
    notice.refresh_from_db()
    assert notice.document is not None and notice.render_failed_at is None
    assert "生成失败待重新生成的通知书" not in staff.get(reverse("admin:index")).content.decode()


def test_an_email_that_always_fails_is_recorded_shown_and_sent_again_by_staff(
    reviewer, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model

    settings.CELERY_TASK_MAX_RETRIES = 1
    calls = {"n": 0}

    def smtp_down(*args, **kwargs):
        calls["n"] += 1
        raise ConnectionRefusedError("SMTP 服务器拒绝连接")

    with monkeypatch.context() as patch:
        patch.setattr("kunqu_jiafu.notifications.delivery.send_mail", smtp_down)
        with django_capture_on_commit_callbacks(execute=True):
            (note,) = notify([reviewer], "待审核")

    note.refresh_from_db()
    assert calls["n"] == 2 and note.emailed_at is None
    assert note.email_failed_at is not None and note.email_attempts == 2
    assert "SMTP 服务器拒绝连接" in note.email_error

    admin_user = get_user_model().objects.create_superuser("root", "root@example.cn", "x")
    from django.test import Client

    client = Client()
    client.force_login(admin_user)
    changelist = reverse("admin:notifications_notification_changelist")
    listed = client.get(changelist + "?email=failed").content.decode()
    assert "待审核" in listed and "SMTP 服务器拒绝连接" in listed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist, {"action": "email_again", "_selected_action": [note.pk]}, follow=True
        )
    assert "1 封邮件正在重新发送。" in response.content.decode()
    note.refresh_from_db()
    assert note.emailed_at is not None and note.email_failed_at is None
    assert [m.to for m in mail.outbox] == [[reviewer.email]]
    entry = AuditEntry.objects.get(action="notifications.notification.email_again")
    assert entry.actor == admin_user and "SMTP 服务器拒绝连接" in str(entry.before)


def test_every_task_of_the_project_retries_any_exception_with_backoff():
    from kunqu_jiafu.queue import RetryingTask

    celery_app.loader.import_default_modules()  # every app's tasks module
    ours = [
        task
        for name, task in celery_app.tasks.items()
        if not name.startswith("celery.") and task.__module__.split(".")[0] != "celery"
    ]
    assert {t.name for t in ours} >= set(settings.QUEUE_SWEEPS) | {
        "subsidies.tasks.render_notice",
        "kunqu_jiafu.notifications.tasks.send_notification_emails",
        "agencies.tasks.check_filings",
        "kunqu_jiafu.documents.tasks.sweep_orphan_upload_files",
    }
    for task in ours:
        assert isinstance(task, RetryingTask), task.name
        assert task.autoretry_for == (Exception,) and task.retry_backoff, task.name
        assert task.max_retries == settings.CELERY_TASK_MAX_RETRIES


def test_one_refused_address_fails_alone_and_its_address_is_neither_stored_nor_logged(
    reviewer, approver, settings, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    """A batch e-mails everyone it can; the one refused recipient is retried and, in the end,
    recorded as failed on its own notification, with the SMTP code and not the address."""
    import smtplib

    settings.CELERY_TASK_MAX_RETRIES = 1
    refused = reviewer.email
    sent = []

    def send(subject, message, from_email, recipient_list):
        if recipient_list == [refused]:
            raise smtplib.SMTPRecipientsRefused({refused: (550, b"mailbox unavailable")})
        sent.append(recipient_list)
        return 1

    monkeypatch.setattr("kunqu_jiafu.notifications.delivery.send_mail", send)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        first, second = notify([reviewer, approver], "待审核")
    first.refresh_from_db()
    second.refresh_from_db()
    assert sent == [[approver.email]]  # the refused one did not stop the batch
    assert second.emailed_at is not None and second.email_failed_at is None
    assert first.emailed_at is None and first.email_failed_at is not None
    assert "SMTPRecipientsRefused" in first.email_error
    assert refused not in first.email_error and refused not in caplog.text


def test_a_sweep_racing_the_render_keeps_the_stored_pdf(
    agency_a, org_a, reviewer, approver, pdf_engine
):
    """The check "made meanwhile" is repeated under the row lock: two renders that both saw
    no PDF store one document, not two."""
    from subsidies.services.notices import notice_render

    b.fund(approver, "500000.00")
    claim = b.approved(agency_a, org_a, reviewer, approver)
    notice = Notice.objects.get(claim=claim)
    first = notice_render(notice.pk, only_if_missing=True).document_id
    assert first is not None
    # A second render that passed the task's early check before the first stored its PDF:
    assert notice_render(notice.pk, only_if_missing=True).document_id == first
    # Staff's regenerate (no flag) does make a fresh one.
    assert notice_render(notice.pk).document_id != first
