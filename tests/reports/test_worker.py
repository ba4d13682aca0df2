"""A report produced by a REAL Celery worker on the configured broker (Redis in CI): the run
is queued when the request commits, the worker moves it to 完成 and both files exist.
Without a broker the test is skipped (tasks then run in-process: test_runs.py)."""

from __future__ import annotations

import pytest
from celery.result import EagerResult
from django.conf import settings
from django.utils import timezone

from reports import tasks
from reports.models import ReportRun
from tests.core.test_celery_worker import _wait_for, celery_worker  # noqa: F401 - the fixture

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(
        not settings.CELERY_BROKER_URL, reason="needs CELERY_BROKER_URL (CI sets it)"
    ),
]


def test_an_officials_request_is_produced_by_the_worker(celery_worker, official, client_for):  # noqa: F811
    client = client_for(official)
    response = client.post("/reports/runs/", {"year": str(timezone.localdate().year)})
    run = ReportRun.objects.get()
    assert response["Location"] == f"/reports/runs/{run.pk}/"
    assert _wait_for(lambda: ReportRun.objects.filter(pk=run.pk, status="done").exists(), 90)
    run.refresh_from_db()
    assert run.attempts == 1 and run.pdf_size > 0 and run.xlsx_size > 0
    assert b"".join(client.get(f"/reports/runs/{run.pk}/pdf/").streaming_content)[:5] == b"%PDF-"


def test_the_task_is_really_queued(celery_worker, official):  # noqa: F811
    run = ReportRun.objects.create(year=timezone.localdate().year, requested_by=official)
    result = tasks.generate_report.delay(str(run.pk))
    assert not isinstance(result, EagerResult)
    assert result.get(timeout=90) == "done"
