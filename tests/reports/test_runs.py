"""Report runs: asked for, produced by the task (in-process here, a real worker in
test_worker.py), joined when one is under way, failed with the error kept, retried; the files
hold the figures the page shows."""

from __future__ import annotations

import io
import subprocess
import threading

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone
from openpyxl import load_workbook

from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.reporting.registry import report_for_year
from reports import documents, services
from reports.models import ReportRun
from tests.factories import make_agency

YEAR = timezone.localdate().year


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return "".join(out.stdout.split())


@pytest.fixture
def produce(django_capture_on_commit_callbacks):
    """Ask for a run and let the queued task run (in-process) when the request commits."""

    def _produce(user, year=YEAR, month=0):
        with django_capture_on_commit_callbacks(execute=True):
            run, joined = services.run_request(user, year, month)
        run.refresh_from_db()
        return run, joined

    return _produce


@pytest.fixture
def agencies(db):
    make_agency("甲家政服务有限公司", registered_on=timezone.localdate().replace(month=1, day=5))
    make_agency("乙养老服务有限公司", registered_on=timezone.localdate().replace(month=2, day=9))
    make_agency("丙家政服务有限公司", registered_on=timezone.localdate().replace(year=YEAR - 1))
    make_agency("丁家政服务有限公司", status="applying")


def test_a_requested_run_is_produced_with_both_files(official, agencies, produce):
    run, joined = produce(official)
    assert not joined
    assert run.status == ReportRun.Status.DONE
    assert run.percent == 100 and run.steps_done == run.steps_total
    assert run.pdf.read()[:5] == b"%PDF-" and run.pdf_size > 0
    assert run.xlsx.read()[:2] == b"PK" and run.xlsx_size > 0
    assert run.requested_by == official and run.attempts == 1 and not run.error
    actions = set(AuditEntry.objects.filter(object_id=str(run.pk)).values_list("action", flat=True))
    assert {"reports.run.requested", "reports.run.finished"} <= actions


def test_the_pdf_holds_every_section_title_and_the_key_figures(
    official, agencies, tmp_path, produce
):
    run, _ = produce(official)
    text = pdf_text(run.pdf.read(), tmp_path)
    computed = report_for_year(YEAR)
    assert "包头市昆都仑区人力资源和社会保障局" in text
    for section in computed:
        assert "".join(str(section.title).split()) in text
    new = next(f for s in computed for f in s.data.figures if f.key == "agencies.new")
    holding = next(f for s in computed for f in s.data.figures if f.key == "agencies.holding")
    assert (new.value, holding.value, holding.previous) == (2, 3, 1)
    # Each figure's row reads label, unit, this year, the year before.
    assert f"{new.label}{new.unit}2" in text
    assert f"{holding.label}{holding.unit}31" in text


def test_the_xlsx_holds_the_same_figures_typed_with_units_and_definitions(
    official, agencies, produce
):
    run, _ = produce(official)
    book = load_workbook(io.BytesIO(run.xlsx.read()))
    computed = report_for_year(YEAR)
    assert len(book.sheetnames) == len(computed) + 1
    for number, section in enumerate(computed, start=1):
        sheet = book.worksheets[number - 1]
        assert sheet.freeze_panes == "A3"
        rows = {}
        for row in sheet.iter_rows(min_row=3, values_only=True):
            if not row[0]:
                break  # the figures end at the first empty row; the tables follow
            rows[row[0]] = row
        assert len(rows) == len(section.data.figures)
        for figure in section.data.figures:
            row = rows[str(figure.label)]
            assert row[1] == str(figure.unit)
            assert row[2] == figure.value and isinstance(row[2], int | float)
            assert row[3] == figure.previous
    definitions = book.worksheets[-1]
    keys = {row[4] for row in definitions.iter_rows(min_row=2, values_only=True)}
    assert {"agencies.new", "agencies.holding"} <= keys


def test_a_second_request_while_one_is_queued_joins_it(official, reviewer, agencies, monkeypatch):
    monkeypatch.setattr(services, "queue_on_commit", lambda *a, **k: None)
    first, joined_first = services.run_request(official, YEAR)
    second, joined_second = services.run_request(reviewer, str(YEAR))
    assert (joined_first, joined_second) == (False, True)
    assert second.pk == first.pk and ReportRun.objects.count() == 1
    # Once it is finished, a new request makes a new run.
    services.run_generate(first.pk)
    third, joined_third = services.run_request(reviewer, YEAR)
    assert not joined_third and third.pk != first.pk


def test_the_database_refuses_two_unfinished_runs_of_a_period(official, db):
    from django.db import IntegrityError, transaction

    ReportRun.objects.create(year=YEAR, month=0, requested_by=official)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportRun.objects.create(year=YEAR, month=0, requested_by=official, status="running")
    # Another period, or a finished run of the same one, is fine.
    ReportRun.objects.create(year=YEAR, month=3, requested_by=official)
    ReportRun.objects.create(year=YEAR, month=0, requested_by=official, status="failed")


@pytest.mark.django_db(transaction=True)
def test_two_officials_asking_at_once_get_one_run(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL")
    from kunqu_jiafu.accounts.roles import OFFICIAL
    from tests.factories import make_user

    monkeypatch.setattr(services, "queue_on_commit", lambda *a, **k: None)
    users = [make_user(f"official{i}", OFFICIAL) for i in range(2)]
    barrier = threading.Barrier(2)
    answers, errors = [], []
    original = services._unfinished

    waited = threading.local()

    def slow_lookup(year, month):
        found = original(year, month)
        if not getattr(waited, "done", False):
            waited.done = True
            barrier.wait(timeout=10)  # both have looked and found nothing before either inserts
        return found

    monkeypatch.setattr(services, "_unfinished", slow_lookup)

    def ask(user):
        try:
            answers.append(services.run_request(user, YEAR))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    monkeypatch.setattr(services, "_unfinished", original)
    assert not errors
    assert ReportRun.objects.count() == 1
    assert {run.pk for run, _ in answers} == {ReportRun.objects.get().pk}
    assert sorted(joined for _, joined in answers) == [False, True]


def test_a_failing_run_keeps_its_error_and_can_be_retried(
    official, agencies, monkeypatch, produce, django_capture_on_commit_callbacks
):
    real = documents.report_pdf

    def broken(run, computed):
        raise OSError("磁盘已满")

    monkeypatch.setattr(documents, "report_pdf", broken)
    run, _ = produce(official)
    assert run.status == ReportRun.Status.FAILED
    assert "磁盘已满" in run.error and not run.pdf and not run.xlsx

    monkeypatch.setattr(documents, "report_pdf", real)
    with django_capture_on_commit_callbacks(execute=True):
        again, joined = services.run_retry(official, run)
    assert not joined and again.pk == run.pk
    again.refresh_from_db()
    assert again.status == ReportRun.Status.DONE and again.attempts == 2 and not again.error


def test_only_a_failed_run_is_retried(official, agencies, produce):
    run, _ = produce(official)
    with pytest.raises(ValidationError):
        services.run_retry(official, run)


def test_bad_periods_are_refused_naming_the_field(official, db):
    for year in ("abc", "", None, 1999, YEAR + 1):
        with pytest.raises(ValidationError) as error:
            services.run_request(official, year)
        assert "year" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.run_request(official, YEAR, 13)
    assert "month" in error.value.message_dict
    assert not ReportRun.objects.exists()


def test_agency_users_cannot_ask_for_reports(agency_a):
    with pytest.raises(PermissionDenied):
        services.run_request(agency_a, YEAR)


def test_the_schedule_asks_for_last_month_and_last_year(
    db, agencies, django_capture_on_commit_callbacks
):
    from datetime import date

    from reports import tasks

    assert services.scheduled_period(date(2026, 1, 1), annual=False) == (2025, 12)
    assert services.scheduled_period(date(2026, 7, 1), annual=False) == (2026, 6)
    assert services.scheduled_period(date(2026, 1, 1), annual=True) == (2025, 0)
    with django_capture_on_commit_callbacks(execute=True):
        run_id = tasks.scheduled_annual_report()
    run = ReportRun.objects.get(pk=run_id)
    assert run.scheduled and run.requested_by is None and run.year == YEAR - 1
    assert run.status == ReportRun.Status.DONE
    assert "reports.tasks.scheduled_monthly_report" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }


def test_the_sweep_fails_runs_whose_worker_died_and_queues_runs_never_started(official, agencies):
    from datetime import timedelta

    from reports import tasks

    long_ago = timezone.now() - timedelta(hours=2)
    stalled = ReportRun.objects.create(
        year=YEAR - 1, requested_by=official, status="running", started_at=long_ago
    )
    waiting = ReportRun.objects.create(year=YEAR, requested_by=official)
    ReportRun.objects.filter(pk=waiting.pk).update(created_at=long_ago)
    assert tasks.sweep_waiting_report_runs() == 1
    stalled.refresh_from_db()
    waiting.refresh_from_db()
    assert stalled.status == "failed" and stalled.error
    assert waiting.status == "done"
