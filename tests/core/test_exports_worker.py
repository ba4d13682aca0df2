"""A big export runs on a REAL Celery worker on the configured broker (CI sets
CELERY_BROKER_URL); without a broker the test is skipped (test_exports_jobs runs the task
in-process)."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from openpyxl import load_workbook

from kunqu_jiafu.exports.models import ExportJob
from tests import factories
from tests.core.test_celery_worker import _wait_for, celery_worker  # noqa: F401 - the fixture

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(
        not settings.CELERY_BROKER_URL, reason="needs CELERY_BROKER_URL (CI sets it)"
    ),
]


def test_a_big_export_is_written_by_the_worker_and_downloaded(
    celery_worker,  # noqa: F811
    reviewer,
    org_a,
    client_for,
    settings,
):
    settings.EXPORT_BACKGROUND_ROWS = 2
    for _ in range(5):
        factories.make_worker(org_a)
    client = client_for(reviewer)
    response = client.get(f"/admin/agencies/worker/export/?agency__id__exact={org_a.pk}")
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert response["Location"] == f"/exports/{job.pk}/"
    assert _wait_for(lambda: ExportJob.objects.filter(pk=job.pk, status="done").exists())
    job.refresh_from_db()
    assert (job.rows_written, job.rows_total, job.percent) == (5, 5, 100)
    download = client.get(f"/exports/{job.pk}/download/")
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert sheet.max_row == 6 and sheet.title == "从业人员"
