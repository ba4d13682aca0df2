"""Notifications: who is told, and emails sent once, only after the transaction commits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction

from agencies import services
from agencies.models import Agency, EmployeeSystemFiling, Street
from kunqu_jiafu import celery_app
from kunqu_jiafu.notifications.delivery import EmailsNotSent, notification_send_emails
from kunqu_jiafu.notifications.models import Notification
from kunqu_jiafu.notifications.services import (
    notifications_mark_read,
    notify,
    unread_count,
)
from kunqu_jiafu.notifications.tasks import send_notification_emails
from tests import factories


@pytest.fixture(autouse=True)
def eager_celery():
    # CI sets CELERY_BROKER_URL, which turns eager mode off for the whole suite; these
    # tests check what the task does, in-process.
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


class Boom(Exception):
    pass


def _application() -> dict:
    return {
        "name": "丙家政服务有限公司",
        "uscc": factories.credit_code(),
        "legal_representative": "王五",
        "contact_name": "赵六",
        "phone": "13900000000",
        "address": "昆都仑区钢铁大街88号",
        "street": Street.objects.order_by("code").first(),
        "founded_on": dt.date(2019, 6, 1),
        "employee_count": 12,
    }


def test_agency_apply_notifies_every_reviewer_and_nobody_else(
    reviewer, reviewer2, approver, official, agency_b, django_capture_on_commit_callbacks
):
    applicant = factories.make_user("applicant")
    with django_capture_on_commit_callbacks(execute=True):
        agency = services.agency_apply(user=applicant, data=_application(), formats=[])
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {"reviewer", "reviewer2"}
    note = Notification.objects.filter(recipient=reviewer).get()
    assert agency.name in note.title
    assert note.url.endswith(f"/agencies/agency/{agency.pk}/change/")
    assert sorted(m.to[0] for m in mail.outbox) == ["reviewer2@example.cn", "reviewer@example.cn"]


@pytest.mark.parametrize(
    ("status", "action", "reason"),
    [
        (Agency.Status.APPLYING, "register", ""),
        (Agency.Status.APPLYING, "reject", "材料不全"),
        (Agency.Status.REGISTERED, "suspend", "年检不合格"),
        (Agency.Status.SUSPENDED, "reinstate", "整改完成"),
        (Agency.Status.REGISTERED, "deregister", "企业注销"),
    ],
)
def test_each_agency_decision_notifies_the_agency_users(
    status, action, reason, reviewer, django_capture_on_commit_callbacks
):
    org = factories.make_agency("丁家政", status=status)
    first = factories.make_agency_user("agency_d1", org)
    second = factories.make_agency_user("agency_d2", org)
    outsider = factories.make_agency_user("agency_e", factories.make_agency("戊家政"))
    with django_capture_on_commit_callbacks(execute=True):
        services.agency_transition(actor=reviewer, agency=org, action=action, reason=reason)
    notes = Notification.objects.order_by("recipient__username")
    assert [n.recipient for n in notes] == [first, second]
    assert not Notification.objects.filter(recipient__in=[outsider, reviewer]).exists()
    if reason:
        assert reason in notes[0].body
    assert sorted(m.to[0] for m in mail.outbox) == ["agency_d1@example.cn", "agency_d2@example.cn"]


@pytest.mark.parametrize(
    ("action", "reason"), [("approve", ""), ("return", "缺社保证明"), ("refuse", "不符")]
)
def test_each_filing_decision_notifies_the_agency_users(
    action, reason, org_a, agency_a, agency_b, reviewer, django_capture_on_commit_callbacks
):
    filing = EmployeeSystemFiling.objects.create(
        agency=org_a,
        signs_customer_contracts=True,
        dispatches_workers=True,
        pays_wages_directly=True,
        trains_continuously=True,
        qualifying_workers=10,
        threshold_workers=10,
        meets_threshold=True,
        submitted_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.filing_decide(actor=reviewer, filing=filing, action=action, reason=reason)
    note = Notification.objects.get()
    assert note.recipient == agency_a
    assert reason in note.body
    assert [m.to for m in mail.outbox] == [["agency_a@example.cn"]]


def test_email_is_sent_only_after_commit(reviewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify([reviewer], "待审核", "正文", "/x/")
        assert Notification.objects.count() == 1
    assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reviewer@example.cn"]
    assert "待审核" in message.subject
    assert message.body.endswith("/x/")
    assert Notification.objects.get().emailed_at is not None


def test_no_email_when_the_transaction_rolls_back(reviewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Boom), transaction.atomic():
            notify([reviewer], "待审核")
            raise Boom
    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_failed_service_sends_no_email(reviewer, org_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Exception):  # noqa: B017 - any refusal will do
            services.agency_transition(actor=reviewer, agency=org_a, action="suspend", reason="")
    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_task_run_twice_emails_once(reviewer, reviewer2):
    ids = [n.pk for n in notify([reviewer, reviewer2], "待审核")]
    send_notification_emails(ids)
    send_notification_emails(ids)
    assert notification_send_emails(ids) == 0
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_notification_claimed_by_another_run_is_not_emailed(reviewer):
    (note,) = notify([reviewer], "待审核")
    Notification.objects.filter(pk=note.pk).update(emailed_at=note.created_at)
    assert notification_send_emails([note.pk]) == 0
    assert mail.outbox == []


def test_failed_send_releases_the_claim_for_a_retry(reviewer, monkeypatch):
    (note,) = notify([reviewer], "待审核")

    def broken(**kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr("kunqu_jiafu.notifications.delivery.send_mail", broken)
    with pytest.raises(EmailsNotSent) as failure:
        notification_send_emails([note.pk])
    assert failure.value.ids == [note.pk]
    assert Notification.objects.get().emailed_at is None
    monkeypatch.undo()
    assert notification_send_emails([note.pk]) == 1
    assert len(mail.outbox) == 1


def test_inactive_and_repeated_users_are_notified_once_or_not_at_all(reviewer, reviewer2):
    reviewer2.is_active = False
    reviewer2.save()
    created = notify([reviewer, reviewer, reviewer2, None], "待审核")
    assert [n.recipient for n in created] == [reviewer]


def test_portal_shows_unread_count_and_marks_read(reviewer, reviewer2):
    notify([reviewer], "一")
    notify([reviewer], "二")
    notify([reviewer2], "三")
    assert unread_count(reviewer) == 2
    assert notifications_mark_read(reviewer) == 2
    assert unread_count(reviewer) == 0
    assert unread_count(reviewer2) == 1
