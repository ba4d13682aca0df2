"""Notification emails go through a REAL Celery worker on the configured broker.

CI sets CELERY_BROKER_URL (Redis); there an unreachable broker fails the test. Without a
broker the test is skipped: tasks then run in-process, which test_notifications covers.
"""

from __future__ import annotations

import time

import pytest
from celery.result import EagerResult
from celery.signals import task_postrun
from django.conf import settings
from django.core import mail
from django.db import connections

from kunqu_jiafu import celery_app
from kunqu_jiafu.notifications.models import Notification
from kunqu_jiafu.notifications.services import notify
from kunqu_jiafu.notifications.tasks import send_notification_emails

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(
        not settings.CELERY_BROKER_URL, reason="needs CELERY_BROKER_URL (CI sets it)"
    ),
]


def _wait_for(predicate, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


@pytest.fixture
def celery_worker(transactional_db):
    from celery.contrib.testing import tasks as _ping_task  # noqa: F401 - registers celery.ping
    from celery.contrib.testing.worker import start_worker

    try:
        with celery_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=2, interval_start=0.2, timeout=3)
    except Exception as exc:  # noqa: BLE001 - any connection failure is a hard failure here
        pytest.fail(f"CELERY_BROKER_URL is set but the broker is unreachable: {exc!r}")

    def close_worker_connections(**kwargs):
        # The worker thread opens its own database connection; leave none behind.
        connections.close_all()

    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    # Tasks queued by earlier tests (without a worker) must not run against this test's data.
    celery_app.control.purge()
    task_postrun.connect(close_worker_connections, weak=False)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=True) as worker:
            yield worker
    finally:
        task_postrun.disconnect(close_worker_connections)
        celery_app.conf.task_always_eager = previous


def test_worker_sends_the_queued_email_and_marks_it_sent(celery_worker, reviewer):
    note = Notification.objects.create(recipient=reviewer, title="待审核", body="请审核", url="/x/")
    result = send_notification_emails.delay([note.pk])
    assert not isinstance(result, EagerResult)  # really queued, not run in-process
    assert result.get(timeout=30) == 1
    note.refresh_from_db()
    assert note.emailed_at is not None
    assert [m.to for m in mail.outbox] == [["reviewer@example.cn"]]
    assert "待审核" in mail.outbox[0].subject


def test_notify_queues_on_commit_and_the_worker_emails_once(celery_worker, reviewer):
    (note,) = notify([reviewer], "备案待审核")  # autocommit: queued immediately on commit
    assert _wait_for(
        lambda: Notification.objects.filter(pk=note.pk, emailed_at__isnull=False).exists()
    )
    # Running the task again (a redelivery) sends nothing more.
    assert send_notification_emails.delay([note.pk]).get(timeout=30) == 0
    assert len(mail.outbox) == 1


def test_an_import_job_runs_on_the_worker_and_its_page_shows_the_outcome(
    celery_worker, agency_a, client_for
):
    from agencies.models import Worker
    from kunqu_jiafu.imports.models import ImportJob
    from tests.agencies.test_worker_import import _row, _xlsx

    client = client_for(agency_a)
    response = client.post("/portal/workers/import/", {"file": _xlsx([_row(), _row()])})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert response["Location"] == f"/imports/{job.pk}/"
    assert _wait_for(lambda: ImportJob.objects.filter(pk=job.pk, status="done").exists())
    job.refresh_from_db()
    assert job.rows_read == job.rows_total == 3 and not job.file
    assert Worker.objects.filter(agency=job.agency).count() == 2
    assert 'data-testid="import-done"' in client.get(response["Location"]).content.decode()
