"""An export at once or in the background, and the pages of export jobs.

``export_or_queue`` is where every registered export is answered: up to
``EXPORT_BACKGROUND_ROWS`` rows the XLSX at once, beyond that an export job and its page. The
job's page shows a progress bar, which ``static/js/import_progress.js`` (the imports' script,
same element ids) moves by polling ``job_status`` and which reloads the page when the job ends;
then it offers the download or, when it failed, why and a retry. ``job_list`` lists the
user's recent jobs. Every page is staff-only (``admin_view`` in ``urls``) and shows a job to
its user alone (``jobs.job_for_user``): anyone else gets a 404.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kunqu_jiafu.audit.context import mark_recorded
from kunqu_jiafu.audit.services import audit_log
from kunqu_jiafu.documents.xlsx import XLSX_CONTENT_TYPE, attachment_header

from . import jobs, registry
from .models import ExportJob
from .writing import export_xlsx


def export_or_queue(request, exporter: registry.Exporter, *, list_url: str) -> HttpResponse:
    """The list's rows for the request's query string: the XLSX, or (more rows than
    ``EXPORT_BACKGROUND_ROWS``) an export job, and a redirect to its page."""
    query = request.GET.urlencode()
    try:
        queryset = exporter.queryset(request.user, query)
        total = queryset.count()
    except (IncorrectLookupParameters, ValueError):
        return redirect(f"{list_url}?e=1")
    if total > settings.EXPORT_BACKGROUND_ROWS:
        job = jobs.start_job(actor=request.user, exporter=exporter, query=query, total=total)
        messages.info(
            request,
            _(
                "The list has %(rows)s rows: it is being exported in the background. This page "
                "shows the progress and then the download link."
            )
            % {"rows": total},
        )
        return redirect("exports:job", job_id=job.pk)
    data = export_xlsx(exporter, request.user, queryset, total=total)
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = attachment_header(
        exporter.filename(), fallback=exporter.fallback_filename()
    )
    return response


def _job_or_404(request, job_id) -> ExportJob:
    job = jobs.job_for_user(request.user, job_id)
    if job is None:
        raise Http404(_("No such export."))
    return job


def _context(request, title: str, **context) -> dict:
    return admin.site.each_context(request) | {"title": title, **context}


@require_GET
def job_list(request):
    return render(
        request,
        "exports/job_list.html",
        _context(request, _("My exports"), jobs=jobs.recent_jobs_for_user(request.user)),
    )


@require_GET
def job_page(request, job_id):
    job = _job_or_404(request, job_id)
    context = _context(
        request,
        _("Export: %(list)s") % {"list": job.label},
        job=job,
        status_url=reverse("exports:job_status", args=[job.pk]),
        may_retry=job.status == ExportJob.Status.FAILED,
    )
    return render(request, "exports/job.html", context)


@require_GET
def job_status(request, job_id):
    job = _job_or_404(request, job_id)
    return JsonResponse(
        {
            "status": job.status,
            "label": job.get_status_display(),
            "finished": job.finished,
            "rows_written": job.rows_written,
            "rows_total": job.rows_total,
            "percent": job.percent,
            "rows_text": _("%(written)s of %(total)s rows written")
            % {"written": job.rows_written, "total": job.rows_total},
        }
    )


@require_GET
def job_download(request, job_id):
    job = _job_or_404(request, job_id)
    exporter = registry.exporter(job.exporter_key)
    # The file holds what the user could see when it was made: not after their rights went.
    if (
        job.status != ExportJob.Status.DONE
        or exporter is None
        or not exporter.allowed(request.user)
    ):
        raise Http404(_("No such export."))
    try:
        handle = job.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404(_("The exported file is no longer on the server; export again.")) from exc
    response = FileResponse(handle, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = attachment_header(
        job.file_name or f"{job.label}.xlsx", fallback=exporter.fallback_filename()
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    audit_log(
        request.user,
        job,
        "exports.exportjob.downloaded",
        after={"export": job.exporter_key, "file": job.file_name[:200], "rows": job.rows_total},
    )
    return mark_recorded(response)


@require_POST
def job_retry(request, job_id):
    job = _job_or_404(request, job_id)
    if jobs.retry_job(job, actor=request.user):
        messages.info(request, _("The export was queued again."))
    else:
        messages.info(request, _("This export is not waiting for a retry."))
    return redirect("exports:job", job_id=job.pk)
