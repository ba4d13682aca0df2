"""Big exports run as export jobs: progress, the changelist's rows, private download.

Issue 13 (Ledgers): "an export larger than a few thousand rows runs as a background job with
progress and a download link, instead of holding the request". The threshold is set low
here; tasks run in-process (the real worker: test_exports_worker.py)."""

from __future__ import annotations

import io
import os
import re
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from openpyxl import load_workbook

from kunqu_jiafu.accounts.roles import REVIEWER
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.exports import writing
from kunqu_jiafu.exports.models import ExportJob
from tests import factories

EXPORT = "/admin/agencies/worker/export/"


@pytest.fixture(autouse=True)
def _small_threshold(settings, monkeypatch):
    settings.EXPORT_BACKGROUND_ROWS = 4
    settings.CELERY_TASK_MAX_RETRIES = 0
    monkeypatch.setattr(writing, "CHUNK", 3)  # several chunks, several progress steps


@pytest.fixture
def workers(org_a, org_b):
    made = [factories.make_worker(org_a, job=f"=cmd|' /C calc'!A{n}") for n in range(7)]
    factories.make_worker(org_b, job="乙的员工")
    return made


def _sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).active


@pytest.fixture
def export(django_capture_on_commit_callbacks):
    """Export the worker list with ``query``: the job is queued when the request's
    transaction commits (here at once) and runs in-process."""

    def run(client, query: str) -> ExportJob:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.get(f"{EXPORT}?{query}")
        assert response.status_code == 302, response.status_code
        job = ExportJob.objects.latest("created_at")
        assert response["Location"] == f"/exports/{job.pk}/"
        return job

    return run


def test_a_big_export_becomes_a_job_with_the_lists_rows(
    official, org_a, workers, client_for, export
):
    client = client_for(official)
    progress = []
    real_saver = __import__("kunqu_jiafu.exports.jobs", fromlist=["x"])._progress_saver

    def spy(job_id):
        save = real_saver(job_id)
        return lambda done, total: (progress.append((done, total)), save(done, total))

    with mock.patch("kunqu_jiafu.exports.jobs._progress_saver", spy):
        job = export(client, f"agency__id__exact={org_a.pk}")
    job.refresh_from_db()

    assert job.status == ExportJob.Status.DONE and job.created_by == official
    assert job.query == f"agency__id__exact={org_a.pk}"
    assert (job.rows_written, job.rows_total, job.percent) == (7, 7, 100)
    assert progress == [(3, 7), (6, 7), (7, 7)]  # chunk by chunk
    page = client.get(f"/exports/{job.pk}/").content.decode()
    assert 'data-testid="export-done"' in page and f"/exports/{job.pk}/download/" in page
    status = client.get(f"/exports/{job.pk}/status.json").json()
    assert status["finished"] and status["percent"] == 100

    response = client.get(f"/exports/{job.pk}/download/")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith('attachment; filename="worker-')
    sheet = _sheet(b"".join(response.streaming_content))
    assert sheet.title == "从业人员"
    header = [c.value for c in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2))
    # Exactly the filtered changelist's rows: agency A's seven, not B's.
    names = sorted(r[header.index("姓名")].value for r in rows)
    assert names == sorted(w.person.name for w in workers)
    assert {r[header.index("机构")].value for r in rows} == {org_a.name}
    # Formula text stays text; the official sees masked ID numbers only.
    job_cells = [r[header.index("岗位")] for r in rows]
    assert all(c.data_type == "s" and c.value.startswith("=cmd") for c in job_cells)
    ids = {r[header.index("身份证号码")].value for r in rows}
    assert ids == {w.person.id_masked for w in workers} and all("*" in i for i in ids)
    # The download is audited, with the file's name.
    entry = AuditEntry.objects.filter(action="exports.exportjob.downloaded").get()
    assert entry.actor == official and entry.object_id == str(job.pk)


def test_the_job_file_equals_the_export_made_at_once(
    reviewer, org_a, workers, client_for, settings, export
):
    client = client_for(reviewer)
    job = export(client, f"agency__id__exact={org_a.pk}&o=1")
    job.refresh_from_db()
    in_background = _sheet(b"".join(client.get(f"/exports/{job.pk}/download/").streaming_content))
    settings.EXPORT_BACKGROUND_ROWS = 100
    at_once = _sheet(client.get(f"{EXPORT}?agency__id__exact={org_a.pk}&o=1").content)
    values = lambda sheet: [[c.value for c in row] for row in sheet.iter_rows()]  # noqa: E731
    assert values(in_background) == values(at_once)
    # A reviewer may see whole ID numbers: the job wrote them as that user sees them.
    header = values(at_once)[0]
    assert {r[header.index("身份证号码")] for r in values(at_once)[1:]} == {
        w.person.id_number for w in workers
    }


def test_only_the_user_who_asked_sees_the_job(
    reviewer, approver, agency_a, agency_b, org_a, workers, client_for, export
):
    job = export(client_for(reviewer), f"agency__id__exact={org_a.pk}")
    for path in ("", "status.json", "download/"):
        url = f"/exports/{job.pk}/{path}"
        assert client_for(approver).get(url).status_code == 404, url  # other staff
        for outsider in (agency_a, agency_b):  # agency users never enter the admin's pages
            response = client_for(outsider).get(url)
            assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert str(job.pk) not in client_for(approver).get("/exports/").content.decode()
    mine = client_for(reviewer).get("/exports/").content.decode()
    assert f"/exports/{job.pk}/" in mine and f"/exports/{job.pk}/download/" in mine


def test_a_user_who_lost_the_right_to_the_list_gets_no_file(
    reviewer, org_a, workers, client_for, export
):
    client = client_for(reviewer)
    job = export(client, f"agency__id__exact={org_a.pk}")
    assert client.get(f"/exports/{job.pk}/download/").status_code == 200
    reviewer.groups.remove(Group.objects.get(name=REVIEWER))
    response = client.get(f"/exports/{job.pk}/download/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_task_asks_again_whether_the_user_may_export(
    reviewer, org_a, workers, client_for, export
):
    client = client_for(reviewer)
    with mock.patch("kunqu_jiafu.exports.jobs.queue_on_commit"):  # not run yet
        job = export(client, f"agency__id__exact={org_a.pk}")
    reviewer.groups.remove(Group.objects.get(name=REVIEWER))
    from kunqu_jiafu.exports.tasks import run_export_job

    run_export_job.delay(str(job.pk))
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and not job.file
    assert job.error == "您已无权导出此列表，未生成文件。"
    assert job.rows_written == 0


def test_a_waiting_job_shows_a_progress_bar_polled_by_a_static_script(
    reviewer, org_a, workers, client_for, export
):
    client = client_for(reviewer)
    with mock.patch("kunqu_jiafu.exports.jobs.queue_on_commit"):  # not run yet
        job = export(client, f"agency__id__exact={org_a.pk}")
    html = client.get(f"/exports/{job.pk}/").content.decode()
    assert 'data-testid="export-progress"' in html and "已写入 0 / 7 行" in html
    assert f'data-status-url="/exports/{job.pk}/status.json"' in html
    assert re.search(r'<script src="[^"]*js/import_progress\.js" defer></script>', html)
    assert client.get(f"/exports/{job.pk}/download/").status_code == 404
    status = client.get(f"/exports/{job.pk}/status.json").json()
    assert status == status | {"finished": False, "percent": 0, "rows_total": 7}


def test_a_failed_job_keeps_its_error_and_is_retried(
    reviewer, org_a, workers, client_for, export, django_capture_on_commit_callbacks
):
    client = client_for(reviewer)
    with mock.patch("kunqu_jiafu.exports.jobs.export_xlsx", side_effect=OSError("disk full")):
        job = export(client, f"agency__id__exact={org_a.pk}")
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and "disk full" in job.error
    assert job.attempts == 1
    page = client.get(f"/exports/{job.pk}/").content.decode()
    assert 'data-testid="export-failed"' in page and "disk full" in page
    assert client.get(f"/exports/{job.pk}/download/").status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/exports/{job.pk}/retry/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.error == "" and job.attempts == 2
    assert job.rows_written == 7 and client.get(f"/exports/{job.pk}/download/").status_code == 200
    # A finished job is not queued again.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/exports/{job.pk}/retry/")
    job.refresh_from_db()
    assert job.attempts == 2


def test_bad_filters_fail_the_job_with_a_message(reviewer, org_a, workers, client_for, export):
    client = client_for(reviewer)
    with mock.patch("kunqu_jiafu.exports.jobs.queue_on_commit"):
        job = export(client, f"agency__id__exact={org_a.pk}")
    ExportJob.objects.filter(pk=job.pk).update(query="no_such_field__gt=1")
    from kunqu_jiafu.exports.jobs import run_job

    assert run_job(str(job.pk)) == ExportJob.Status.FAILED
    job.refresh_from_db()
    assert job.error and not job.file


def test_a_job_runs_once_even_if_queued_twice(reviewer, org_a, workers, client_for, export):
    job = export(client_for(reviewer), f"agency__id__exact={org_a.pk}")
    from kunqu_jiafu.exports.jobs import run_job

    assert run_job(str(job.pk)) == ExportJob.Status.DONE
    job.refresh_from_db()
    assert job.attempts == 1


def test_the_list_links_to_my_exports(reviewer, client_for):
    html = client_for(reviewer).get("/admin/agencies/worker/").content.decode()
    assert 'href="/exports/"' in html and "我的导出" in html


def test_the_sweep_queues_jobs_no_worker_started_and_fails_stalled_ones(
    reviewer, org_a, workers, client_for, export, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from kunqu_jiafu.exports.tasks import sweep_waiting_export_jobs

    with mock.patch("kunqu_jiafu.exports.jobs.queue_on_commit"):  # the broker was away
        waiting = export(client_for(reviewer), f"agency__id__exact={org_a.pk}")
        stalled = export(client_for(reviewer), f"agency__id__exact={org_a.pk}")
    long_ago = timezone.now() - timedelta(hours=2)
    ExportJob.objects.filter(pk=waiting.pk).update(created_at=long_ago)
    ExportJob.objects.filter(pk=stalled.pk).update(
        created_at=long_ago, status=ExportJob.Status.RUNNING, started_at=long_ago
    )

    assert sweep_waiting_export_jobs.delay().get() == 1
    waiting.refresh_from_db()
    stalled.refresh_from_db()
    assert waiting.status == ExportJob.Status.DONE and waiting.rows_written == 7
    assert stalled.status == ExportJob.Status.FAILED and stalled.error
    # A week after it finished, the file (personal data) is deleted; the job stays listed.
    path = waiting.file.path
    ExportJob.objects.filter(pk=waiting.pk).update(finished_at=long_ago - timedelta(days=7))
    sweep_waiting_export_jobs.delay().get()
    waiting.refresh_from_db()
    assert not waiting.file and not os.path.exists(path)
    assert client_for(reviewer).get(f"/exports/{waiting.pk}/download/").status_code == 404


def test_a_job_over_the_time_limit_fails_at_once_with_a_message(
    reviewer, org_a, workers, client_for, export
):
    from celery.exceptions import SoftTimeLimitExceeded

    with mock.patch("kunqu_jiafu.exports.jobs.export_xlsx", side_effect=SoftTimeLimitExceeded()):
        job = export(client_for(reviewer), f"agency__id__exact={org_a.pk}")
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and job.attempts == 1
    assert job.error == "导出耗时过长，请先用筛选条件缩小列表范围后再导出。"
