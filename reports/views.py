"""The officials' pages (统计报表): a year's figures with progress against the plan's targets
and charts, every figure a link to the records behind it; the request for the year's report;
each run's page with its progress, error, retry and the two downloads; the run's status as
JSON for the progress bar (static/js/import_progress.js polls it). Bureau staff and officials
only: anyone else gets 404 for a run and 403 for the page."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kunqu_jiafu.audit.context import mark_recorded
from kunqu_jiafu.audit.services import audit_log
from kunqu_jiafu.documents.xlsx import XLSX_CONTENT_TYPE
from kunqu_jiafu.reporting.charts import render_svg

from . import permissions, selectors, services
from .documents import change_text, figure_text, target_text
from .models import ReportRun

RUNS_PER_PAGE = 20


def _require_view(request) -> None:
    allowed, reason = permissions.can_view(request.user)
    if not allowed:
        raise PermissionDenied(reason)


def _year(request) -> int:
    this_year = timezone.localdate().year
    raw = request.GET.get("year", "")
    if raw.isdecimal() and services.FIRST_YEAR <= int(raw) <= this_year:
        return int(raw)
    return this_year


def _page_context(request, title: str) -> dict:
    return admin.site.each_context(request) | {"title": title}


def _sections_for_page(computed) -> list[dict]:
    from django.utils.safestring import mark_safe

    return [
        {
            "key": section.key,
            "title": section.title,
            "figures": [
                {
                    "figure": f,
                    "value": figure_text(f.value, f.kind),
                    "previous": figure_text(f.previous, f.kind),
                    "change": change_text(f),
                    "target": target_text(f),
                }
                for f in section.data.figures
            ],
            "charts": [
                mark_safe(render_svg(chart, width=560, height=240)) for chart in section.data.charts
            ],
        }
        for section in computed
    ]


@login_required
@require_GET
def index(request):
    _require_view(request)
    year = _year(request)
    computed = selectors.figures_for_year(year)
    runs = Paginator(selectors.runs_for_user(request.user), RUNS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    targets = [
        {"figure": f, "value": figure_text(f.value, f.kind), "target": target_text(f)}
        for section in computed
        for f in section.data.figures
        if f.has_target
    ]
    context = _page_context(request, _("Statistical reports")) | {
        "year": year,
        "years": selectors.available_years(timezone.localdate().year),
        "sections": _sections_for_page(computed),
        "targets": targets,
        "runs": runs,
        "may_request": permissions.can_request(request.user)[0],
    }
    return render(request, "reports/index.html", context)


@login_required
@require_POST
def request_run(request):
    _require_view(request)
    try:
        run, joined = services.run_request(request.user, request.POST.get("year"))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("reports:index")
    if joined:
        messages.info(request, _("This report is already being produced; you are following it."))
    return redirect("reports:run", run_id=run.pk)


def _run_or_404(request, run_id) -> ReportRun:
    run = selectors.run_for_user(request.user, run_id)
    if run is None:
        raise Http404(_("No such report."))
    return run


@login_required
@require_http_methods(["GET", "POST"])
def run_page(request, run_id):
    run = _run_or_404(request, run_id)
    if request.method == "POST":
        try:
            again, joined = services.run_retry(request.user, run)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return redirect("reports:run", run_id=run.pk)
        if joined:
            messages.info(
                request, _("This report is already being produced; you are following it.")
            )
        return redirect("reports:run", run_id=again.pk)
    context = _page_context(
        request, _("Statistical report %(period)s") % {"period": run.period_label}
    ) | {
        "run": run,
        "status_url": reverse("reports:run_status", args=[run.pk]),
        "may_request": permissions.can_request(request.user)[0],
    }
    return render(request, "reports/run.html", context)


@login_required
@require_GET
def run_status(request, run_id):
    run = _run_or_404(request, run_id)
    return JsonResponse(
        {
            "status": run.status,
            "label": run.get_status_display(),
            "finished": run.finished,
            "percent": run.percent,
            "rows_total": run.steps_total,
            "rows_text": _("Step %(done)s of %(total)s: %(step)s")
            % {"done": run.steps_done, "total": run.steps_total, "step": run.step or "…"},
        }
    )


@login_required
@require_GET
def download(request, run_id, kind: str):
    run = _run_or_404(request, run_id)
    field = {"pdf": run.pdf, "xlsx": run.xlsx}.get(kind)
    if run.status != ReportRun.Status.DONE or not field:
        raise Http404(_("This report has no such file yet."))
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404(_("The report's file is missing; produce the report again.")) from None
    response = FileResponse(
        handle,
        content_type="application/pdf" if kind == "pdf" else XLSX_CONTENT_TYPE,
        as_attachment=True,
        filename=run.file_name(kind),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    audit_log(request.user, run, "reports.run.downloaded", after={"file": kind})
    return mark_recorded(response)
