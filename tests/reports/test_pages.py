"""The officials' pages: the year's figures with links and charts, the request, the run's
page with its progress and downloads; who may see what; hostile input answered calmly."""

from __future__ import annotations

import io
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.reporting.registry import sections
from reports.models import ReportRun
from tests.factories import make_agency

YEAR = timezone.localdate().year


def test_the_officials_page_shows_every_section_with_linked_figures_and_charts(
    official, client_for
):
    make_agency("甲家政服务有限公司", registered_on=timezone.localdate())
    response = client_for(official).get(f"/reports/?year={YEAR}")
    assert response.status_code == 200
    page = response.content.decode()
    for section in sections.all():
        assert f'data-testid="section-{section.key}"' in page
        assert str(section.title) in page
    assert 'data-testid="figure-agencies.new"' in page
    assert "/admin/agencies/agency/?registered_year=" in page
    assert page.count("<svg") >= len(sections.all())
    assert 'data-testid="target-agencies.new"' in page  # progress against the plan's 5-10
    assert 'data-testid="request-report"' in page


def test_a_hostile_year_falls_back_to_this_year(official, client_for):
    for query in (
        "year=<script>alert(1)</script>",
        "year=99999",
        "year=-1",
        "page=abc",
    ):
        response = client_for(official).get(f"/reports/?{query}")
        assert response.status_code == 200, query
        assert b"<script>alert" not in response.content
        assert f'<option value="{YEAR}" selected>'.encode() in response.content
    # A NUL is refused before any view (the project's middleware), as everywhere.
    assert client_for(official).get("/reports/?year=%00").status_code == 400


def test_the_page_issues_the_same_queries_with_few_and_many_records(official, client_for):
    client = client_for(official)
    client.get("/reports/")  # warm caches (content types, sessions)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/reports/").status_code == 200
        return len(queries)

    make_agency("甲家政服务有限公司", registered_on=timezone.localdate())
    ReportRun.objects.create(year=YEAR - 1, requested_by=official, status="failed", error="x")
    few = count()
    for n in range(25):
        make_agency(f"家政服务有限公司{n}", registered_on=timezone.localdate())
        ReportRun.objects.create(year=YEAR - 2, requested_by=official, status="failed", error="x")
    assert count() == few


def test_an_official_produces_and_downloads_both_files(
    official, client_for, django_capture_on_commit_callbacks
):
    client = client_for(official)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/runs/", {"year": str(YEAR)})
    run = ReportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/runs/{run.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="done"' in page and 'data-testid="download-pdf"' in page
    status = client.get(f"/reports/runs/{run.pk}/status.json").json()
    assert status == status | {"status": "done", "finished": True, "percent": 100}

    pdf = client.get(f"/reports/runs/{run.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content)[:5] == b"%PDF-"
    assert "昆都仑区家庭服务业统计报表" in unquote(pdf["Content-Disposition"])
    xlsx = client.get(f"/reports/runs/{run.pk}/xlsx/")
    book = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    assert len(book.sheetnames) == len(sections.all()) + 1
    downloads = AuditEntry.objects.filter(action="reports.run.downloaded", object_id=str(run.pk))
    assert sorted(d.after["file"] for d in downloads) == ["pdf", "xlsx"]
    listing = client.get("/reports/").content.decode()
    assert f"/reports/runs/{run.pk}/pdf/" in listing and "周统计" in listing


def test_a_bad_year_is_refused_with_a_message_and_nothing_is_made(official, client_for):
    response = client_for(official).post("/reports/runs/", {"year": "20x6"}, follow=True)
    assert "年度请填写四位数字" in response.content.decode()
    assert not ReportRun.objects.exists()


def test_a_failed_run_shows_its_error_and_is_produced_again_from_its_page(
    official, client_for, django_capture_on_commit_callbacks
):
    run = ReportRun.objects.create(
        year=YEAR, requested_by=official, status="failed", error="OSError: 磁盘已满", attempts=1
    )
    client = client_for(official)
    page = client.get(f"/reports/runs/{run.pk}/").content.decode()
    assert "磁盘已满" in page and 'data-testid="retry"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/reports/runs/{run.pk}/")
    run.refresh_from_db()
    assert run.status == "done" and run.attempts == 2 and not run.error


def test_a_running_run_shows_its_progress(official, client_for):
    run = ReportRun.objects.create(
        year=YEAR,
        requested_by=official,
        status="running",
        steps_total=8,
        steps_done=3,
        step="培训",
    )
    client = client_for(official)
    page = client.get(f"/reports/runs/{run.pk}/").content.decode()
    assert 'data-testid="run-progress"' in page and "import_progress.js" in page
    assert client.get(f"/reports/runs/{run.pk}/status.json").json() | {} == {
        "status": "running",
        "label": "生成中",
        "finished": False,
        "percent": 37,
        "rows_total": 8,
        "rows_text": "第 3/8 步：培训",
    }


@pytest.mark.parametrize("path", ["", "status.json", "pdf/", "xlsx/"])
def test_agencies_never_reach_a_report(agency_a, official, client_for, path):
    run = ReportRun.objects.create(year=YEAR, requested_by=official, status="failed", error="x")
    assert client_for(agency_a).get(f"/reports/runs/{run.pk}/{path}").status_code == 404
    assert client_for(agency_a).get("/reports/").status_code == 403
    assert client_for(agency_a).post("/reports/runs/", {"year": YEAR}).status_code == 403
    assert ReportRun.objects.count() == 1


def test_a_lost_file_is_a_404_with_a_message_not_a_500(
    official, client_for, django_capture_on_commit_callbacks
):
    client = client_for(official)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/reports/runs/", {"year": str(YEAR)})
    run = ReportRun.objects.get()
    run.pdf.storage.delete(run.pdf.name)
    assert client.get(f"/reports/runs/{run.pk}/pdf/").status_code == 404


def test_figures_know_when_their_target_is_reached():
    from kunqu_jiafu.reporting.registry import Figure

    def figure(value, low, high):
        return Figure("k", "l", value, "家", "d", target_min=low, target_max=high)

    assert figure(5, 5, 10).reached and figure(5, 5, 10).percent_of_target == 100
    assert not figure(4, 5, 10).reached and figure(4, 5, 10).percent_of_target == 80
    assert figure(12, 5, 10).percent_of_target == 100  # over the target: full bar
    assert figure(0, 0, 0).reached and not figure(2, 0, 0).reached  # none wanted
    assert figure(2, 0, 0).percent_of_target is None
    assert Figure("k", "l", 3, "家", "d").reached is None
