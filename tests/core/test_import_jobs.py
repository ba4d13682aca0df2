"""Imports run as jobs: a Celery task reads the file in a child held to a time and a memory
limit, the job's page shows progress and outcome, and only the agency's users and staff see
a job. Each test attacks one of these rules."""

from __future__ import annotations

import re
import time

import pytest
from django.urls import reverse

from agencies.models import Worker
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.imports import jobs, limits, reading
from kunqu_jiafu.imports.models import ImportJob
from tests import factories
from tests.agencies.test_worker_import import _ids, _row, _xlsx
from tests.import_jobs import post_and_run

pytestmark = pytest.mark.django_db

URL = "/portal/workers/import/"


def _upload(client, rows=None, name="从业人员.xlsx"):
    rows = rows if rows is not None else [_row()]
    return post_and_run(client, URL, {"file": _xlsx(rows, name=name)})


def _nothing_written() -> bool:
    return (
        not Worker.objects.exists()
        and not AuditEntry.objects.filter(action__contains="import").exists()
    )


def broken_runner(job, uploaded_file, progress):
    raise RuntimeError("database went away")


# --- the limits ---------------------------------------------------------------------------


def test_a_parse_that_hangs_is_killed_at_the_time_limit_and_the_job_fails(
    client_for, agency_a, settings, monkeypatch
):
    settings.IMPORT_PARSE_SECONDS = 0.5

    def hang(*args, **kwargs):
        while True:  # a sheet openpyxl spins on (the guard did not recognise it)
            pass

    monkeypatch.setattr(reading, "_read_xlsx", hang)
    started = time.monotonic()
    response = _upload(client_for(agency_a))
    assert time.monotonic() - started < 5  # killed, not waited for
    job = response.job
    assert job.status == "failed" and "0.5" in job.error and "秒" in job.error
    html = response.content.decode()
    assert 'data-testid="import-failed"' in html and job.error in html
    assert 'data-testid="import-progress"' not in html  # finished: no bar, no polling script
    assert "import_progress.js" not in html
    assert _nothing_written()


def test_a_real_sheet_slower_than_a_shrunk_time_limit_fails_with_the_limit_named(
    client_for, agency_a, settings
):
    settings.IMPORT_PARSE_SECONDS = 0.01
    rows = [_row(**{"身份证号": number}) for number in _ids(2000)]
    job = _upload(client_for(agency_a), rows).job
    assert job.status == "failed" and "0.01" in job.error
    assert _nothing_written()


def test_a_memory_hungry_parse_fails_at_the_memory_limit_without_growing_the_process(
    client_for, agency_a, settings, monkeypatch
):
    settings.IMPORT_PARSE_MEMORY_MB = 64
    real = reading._read_xlsx

    def hungry(*args, **kwargs):
        hoard = bytearray(1024 * 1024 * 1024)  # 1 GB: beyond the limit, refused in the child
        return real(*args, **kwargs) if hoard else []

    monkeypatch.setattr(reading, "_read_xlsx", hungry)
    job = _upload(client_for(agency_a)).job
    assert job.status == "failed" and "64 MB" in job.error
    assert _nothing_written()


def test_within_the_limits_the_child_returns_the_rows_and_reports_progress(agency_a):
    from agencies import imports

    rows = [_row(**{"身份证号": number}) for number in _ids(30)]
    heard = []
    sheet = limits.run_limited(
        lambda report: reading.read_sheet(_xlsx(rows), imports.SPEC, report),
        lambda done, total: heard.append((done, total)),
    )
    assert len(sheet.rows) == 30 and sheet.header_row == 1
    assert heard and heard[0][1] == 31  # the header and 30 rows declared


def test_the_synchronous_api_import_is_held_to_the_same_limits(
    client_for, agency_a, org_a, settings, monkeypatch
):
    from tests.training.test_roster_import import _course
    from tests.training.test_roster_import import _row as roster_row
    from tests.training.test_roster_import import _xlsx as roster_xlsx

    course = _course(agency_a, org_a, capacity=50)
    settings.IMPORT_PARSE_SECONDS = 0.5
    monkeypatch.setattr(reading, "_read_xlsx", lambda *a, **k: time.sleep(30))
    response = client_for(agency_a).post(
        f"/api/courses/{course.pk}/roster/",
        {"file": roster_xlsx([roster_row()]), "confirm": "true"},
    )
    assert response.status_code == 400
    assert "0.5" in str(response.json()) and not course.enrolments.exists()


def test_a_task_failing_for_good_marks_the_job_failed_for_its_user_and_staff(
    client_for, agency_a, reviewer, settings, monkeypatch
):
    settings.CELERY_TASK_MAX_RETRIES = 0
    monkeypatch.setitem(jobs.RUNNERS, ImportJob.Kind.WORKERS, f"{__name__}.broken_runner")
    job = _upload(client_for(agency_a)).job
    assert job.status == "failed" and "RuntimeError" in job.error
    admin_list = client_for(reviewer).get(
        reverse("admin:imports_importjob_changelist") + "?status__exact=failed"
    )
    assert admin_list.status_code == 200 and "从业人员.xlsx" in admin_list.content.decode()
    assert reverse("imports:job", args=[job.pk]) in admin_list.content.decode()


# --- the page and who sees it -------------------------------------------------------------


def test_a_waiting_job_shows_a_progress_bar_polled_by_a_static_script(client_for, agency_a):
    client = client_for(agency_a)
    response = client.post(URL, {"file": _xlsx([_row()])})  # on_commit not run: it waits
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("imports:job", args=[job.pk])
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="import-progress"' in html and 'data-testid="refresh-link"' in html
    assert f'data-status-url="/imports/{job.pk}/status.json"' in html
    assert re.search(r'<script src="[^"]*js/import_progress\.js" defer></script>', html)
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html)  # no inline script (CSP)
    status = client.get(reverse("imports:job_status", args=[job.pk])).json()
    assert status == {
        "status": "queued",
        "label": "等待开始",
        "finished": False,
        "rows_read": 0,
        "rows_total": 0,
        "percent": 0,
        "rows_text": "已读取 0 / 0 行",
    }


def test_a_finished_job_recorded_the_rows_read_of_the_rows_declared(client_for, agency_a):
    rows = [_row(**{"身份证号": number}) for number in _ids(12)]
    job = _upload(client_for(agency_a), rows).job
    assert job.status == "done" and job.rows_read == job.rows_total == 13
    assert job.percent == 100 and Worker.objects.count() == 12


def test_another_agency_cannot_see_a_job_by_its_id(client_for, agency_a, agency_b):
    job = _upload(client_for(agency_a)).job
    stranger = client_for(agency_b)
    for url in (
        reverse("imports:job", args=[job.pk]),
        reverse("imports:job_status", args=[job.pk]),
    ):
        assert stranger.get(url).status_code == 404
    assert stranger.post(reverse("imports:job", args=[job.pk]), {"confirm": "1"}).status_code == 404


def test_an_applicant_and_anonymous_cannot_see_a_job(client_for, client, agency_a):
    job = _upload(client_for(agency_a)).job
    applicant = factories.make_agency_user(
        "applicant", factories.make_agency("丙家政服务有限公司", status="applying")
    )
    assert client_for(applicant).get(reverse("imports:job", args=[job.pk])).status_code == 404
    response = client.get(reverse("imports:job_status", args=[job.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_staff_see_any_agencys_job_in_the_admin_frame(client_for, agency_a, reviewer, official):
    job = _upload(client_for(agency_a)).job
    for user in (reviewer, official):
        response = client_for(user).get(reverse("imports:job", args=[job.pk]))
        assert response.status_code == 200
        assert "imports/job_admin.html" in [t.name for t in response.templates]


def test_an_unknown_job_id_is_a_404_not_a_500(client_for, agency_a):
    client = client_for(agency_a)
    assert client.get("/imports/00000000-0000-4000-8000-000000000000/").status_code == 404
    assert client.get("/imports/not-a-uuid/").status_code == 404


def test_a_hostile_file_is_refused_on_the_upload_page_and_makes_no_job(client_for, agency_a):
    from tests import hostile_files as hostile
    from tests.agencies.test_worker_import import HEADERS

    data = hostile.declared_range([HEADERS, [_row().get(h) for h in HEADERS]], "A1:XFD1048576")
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = post_and_run(client_for(agency_a), URL, {"file": SimpleUploadedFile("w.xlsx", data)})
    assert response.status_code == 200 and response.job is None
    assert "A1:XFD1048576" in " ".join(response.context["form"].errors["file"])
    assert not ImportJob.objects.exists()


# --- jobs the broker or a worker lost -----------------------------------------------------


def test_the_sweep_queues_a_job_no_worker_started_and_fails_one_whose_worker_died(
    client_for, agency_a, org_a, settings
):
    from datetime import timedelta

    from django.utils import timezone

    from kunqu_jiafu.imports.tasks import sweep_waiting_import_jobs

    client = client_for(agency_a)
    client.post(URL, {"file": _xlsx([_row()])})  # the broker was away: never run
    waiting = ImportJob.objects.get()
    long_ago = timezone.now() - timedelta(hours=1)
    stalled = ImportJob.objects.create(
        kind="workers",
        step="write",
        status="running",
        agency=org_a,
        created_by=agency_a,
        file_name="w.xlsx",
        sha256="0" * 64,
        started_at=long_ago,
    )
    assert sweep_waiting_import_jobs() == 0  # within the grace period: left to the normal path
    ImportJob.objects.filter(pk=waiting.pk).update(queued_at=long_ago)

    assert sweep_waiting_import_jobs() == 1
    waiting.refresh_from_db()
    stalled.refresh_from_db()
    assert waiting.status == "done" and Worker.objects.count() == 1
    assert stalled.status == "failed" and stalled.error
    assert "kunqu_jiafu.imports.tasks.sweep_waiting_import_jobs" in settings.QUEUE_SWEEPS


def test_a_job_queued_twice_runs_once(client_for, agency_a):
    job = _upload(client_for(agency_a)).job
    assert job.status == "done"
    assert jobs.run_job(str(job.pk)) == "done"  # the second delivery finds it finished
    ImportJob.objects.filter(pk=job.pk).update(status="running")
    assert jobs.run_job(str(job.pk)) == "running"  # another worker's: not started again
    assert Worker.objects.count() == 1
    assert AuditEntry.objects.filter(action="agencies.worker.imported").count() == 1
