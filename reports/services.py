"""Every write of the reports area: asking for a report (joining one already under way),
retrying a failed one, and producing it (the Celery task's work).

Producing a run computes each registered section for its year, then the PDF and the XLSX
from those same computed sections, so the two files and the figures shown on the page can
never disagree. Progress is saved after each step, outside any transaction, so the run's
page sees it move. Any error fails the run and keeps the error; nothing half-written is
kept: the files are attached in the same transaction that marks the run finished."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kunqu_jiafu.audit.services import audit_log
from kunqu_jiafu.queue import queue_on_commit
from kunqu_jiafu.reporting.registry import section_for_year, sections

from . import documents, permissions
from .models import ReportRun

logger = logging.getLogger(__name__)

RUN_TASK = "reports.tasks.generate_report"
FIRST_YEAR = 2020


def check_period(year, month: int = ReportRun.ANNUAL) -> tuple[int, int]:
    """(year, month) as numbers, or a ValidationError naming the field and the fix."""
    this_year = timezone.localdate().year
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError(
            {
                "year": _("Enter the year as four digits, for example %(year)s.")
                % {"year": this_year}
            }
        ) from None
    if not FIRST_YEAR <= year <= this_year:
        raise ValidationError(
            {
                "year": _("Choose a year from %(first)s to %(last)s.")
                % {"first": FIRST_YEAR, "last": this_year}
            }
        )
    try:
        month = int(month)
    except (TypeError, ValueError):
        month = -1
    if not 0 <= month <= 12:
        raise ValidationError({"month": _("Choose a month from 1 to 12, or the whole year.")})
    return year, month


def _unfinished(year: int, month: int) -> ReportRun | None:
    return (
        ReportRun.objects.select_for_update()
        .filter(year=year, month=month, status__in=ReportRun.UNFINISHED)
        .first()
    )


def run_request(user, year, month=ReportRun.ANNUAL, *, scheduled: bool = False):
    """Ask for the report of ``year`` (to the end of ``month``; 0 the whole year). Returns
    ``(run, joined)``: a run of the same period already queued or under way is joined, not
    doubled (the database allows one unfinished run per period)."""
    if not scheduled:
        allowed, reason = permissions.can_request(user)
        if not allowed:
            raise PermissionDenied(reason)
    year, month = check_period(year, month)
    with transaction.atomic():
        running = _unfinished(year, month)
        if running is not None:
            return running, True
        try:
            with transaction.atomic():
                run = ReportRun.objects.create(
                    year=year,
                    month=month,
                    requested_by=None if scheduled else user,
                    scheduled=scheduled,
                    steps_total=len(sections.all()) + 2,
                )
        except IntegrityError:
            # Another request made it between our look and our insert: join that one.
            return _unfinished(year, month), True
        audit_log(
            None if scheduled else user,
            run,
            "reports.run.requested",
            after={"year": year, "month": month, "scheduled": scheduled},
        )
        queue_on_commit(RUN_TASK, str(run.pk))
    return run, False


def run_retry(user, run: ReportRun) -> tuple[ReportRun, bool]:
    """Queue a failed run again (its last error stays shown until it succeeds). If another
    run of the period is under way meanwhile, that one is answered instead."""
    allowed, reason = permissions.can_request(user)
    if not allowed:
        raise PermissionDenied(reason)
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run.pk)
        if run.status != ReportRun.Status.FAILED:
            raise ValidationError(_("Only a failed report can be produced again."))
        running = _unfinished(run.year, run.month)
        if running is not None:
            return running, True
        run.status = ReportRun.Status.QUEUED
        run.steps_done = 0
        run.step = ""
        run.save(update_fields=["status", "steps_done", "step"])
        audit_log(user, run, "reports.run.retried", after={"attempts": run.attempts})
        queue_on_commit(RUN_TASK, str(run.pk))
    return run, False


def _start(run_id) -> ReportRun | None:
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status not in ReportRun.UNFINISHED:
            return None  # a redelivered task of a run already finished
        run.status = ReportRun.Status.RUNNING
        run.started_at = timezone.now()
        run.attempts += 1
        run.steps_done = 0
        run.steps_total = len(sections.all()) + 2
        run.save(update_fields=["status", "started_at", "attempts", "steps_done", "steps_total"])
    return run


def _progress(run: ReportRun, step: str) -> None:
    run.steps_done += 1
    run.step = step[:100]
    ReportRun.objects.filter(pk=run.pk).update(steps_done=run.steps_done, step=run.step)


def run_generate(run_id) -> ReportRun | None:
    """Produce the run: compute every section, write the PDF and the XLSX, keep them."""
    run = _start(run_id)
    if run is None:
        return None
    try:
        computed = []
        for section in sections.all():
            ReportRun.objects.filter(pk=run.pk).update(step=str(section.title)[:100])
            computed.append(section_for_year(section, run.year))
            _progress(run, str(section.title))
        pdf = documents.report_pdf(run, computed)
        _progress(run, "PDF")
        xlsx = documents.report_xlsx(run, computed)
        _progress(run, "XLSX")
        _finish(run, pdf, xlsx)
    except Exception as exc:  # noqa: BLE001 - any failure is kept on the run, shown to staff
        logger.exception("Report run %s failed", run.pk)
        run_fail(run.pk, f"{type(exc).__name__}: {exc}")
    run.refresh_from_db()
    return run


def _finish(run: ReportRun, pdf: bytes, xlsx: bytes) -> None:
    with transaction.atomic():
        locked = ReportRun.objects.select_for_update().get(pk=run.pk)
        locked.pdf.save(f"{run.pk.hex}.pdf", ContentFile(pdf), save=False)
        locked.xlsx.save(f"{run.pk.hex}.xlsx", ContentFile(xlsx), save=False)
        locked.pdf_size, locked.xlsx_size = len(pdf), len(xlsx)
        locked.status = ReportRun.Status.DONE
        locked.finished_at = timezone.now()
        locked.error = ""
        locked.step = ""
        locked.steps_done = locked.steps_total
        locked.save()
        audit_log(None, locked, "reports.run.finished", after={"pdf": len(pdf), "xlsx": len(xlsx)})


def run_fail(run_id, error: str) -> None:
    """Mark the run failed with ``error`` (kept, shown on its page), if it is not finished."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status == ReportRun.Status.DONE:
            return
        run.status = ReportRun.Status.FAILED
        run.error = error[:4000]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        audit_log(None, run, "reports.run.failed", after={"error": run.error[:200]})


def fail_stalled_runs(started_before) -> int:
    """Runs still 生成中 long after they started: their worker died. Fail them (retriable)."""
    ids = list(
        ReportRun.objects.filter(
            status=ReportRun.Status.RUNNING, started_at__lt=started_before
        ).values_list("pk", flat=True)
    )
    for run_id in ids:
        run_fail(run_id, _("The worker producing the report stopped; produce it again."))
    return len(ids)


def runs_never_started(queued_before) -> list:
    return list(
        ReportRun.objects.filter(
            status=ReportRun.Status.QUEUED, created_at__lt=queued_before
        ).values_list("pk", flat=True)
    )


def scheduled_period(today=None, *, annual: bool) -> tuple[int, int]:
    """The period the schedule produces on ``today``: the year before (annual), or this
    year to the end of last month (monthly: on 1 January, the year before to December)."""
    today = today or timezone.localdate()
    if annual:
        return today.year - 1, ReportRun.ANNUAL
    last_month = today.replace(day=1) - timedelta(days=1)
    return last_month.year, last_month.month
