"""An import job's page and its progress, for the agency it imports for and for staff.

The page shows the job's status, a progress bar (rows read of the rows the sheet declares)
and, once finished, its outcome: the counts, every problem by row and column, or why it
failed. While the job runs, ``static/js/import_progress.js`` polls ``job_status`` (a small
JSON answer) and reloads the page when the job finishes; without JavaScript the page offers a
refresh link. A roster whose check passed is confirmed here (a POST), which queues the write.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kunqu_jiafu.accounts.roles import is_staff_member

from . import jobs
from .models import ImportJob


def _job_or_404(request, job_id) -> ImportJob:
    job = jobs.job_for_user(request.user, job_id)
    if job is None:
        raise Http404(_("No such import."))
    return job


def _links(job: ImportJob, staff: bool) -> dict[str, str]:
    """Where the page leads: the records imported into, and the upload page for another try."""
    if job.kind == ImportJob.Kind.WORKERS:
        if staff:
            return {
                "done_url": reverse("admin:agencies_worker_changelist")
                + f"?agency__id__exact={job.agency_id}",
                "again_url": reverse("admin:agencies_worker_import") + f"?agency={job.agency_id}",
            }
        return {
            "done_url": reverse("portal:workers"),
            "again_url": reverse("portal:workers_import"),
        }
    if staff:
        return {
            "done_url": reverse("admin:training_course_change", args=[job.target_id]),
            "again_url": reverse("admin:training_course_import_roster", args=[job.target_id]),
        }
    return {
        "done_url": reverse("training:course", args=[job.target_id]),
        "again_url": reverse("training:roster_import", args=[job.target_id]),
    }


@login_required
@require_http_methods(["GET", "POST"])
def job_page(request, job_id):
    job = _job_or_404(request, job_id)
    staff = is_staff_member(request.user)
    may_confirm = job.created_by_id == request.user.pk
    if request.method == "POST":
        if "confirm" in request.POST and job.status == ImportJob.Status.CHECKED:
            if not may_confirm:
                messages.error(
                    request, _("Only the person who uploaded the file may confirm its import.")
                )
            elif not jobs.confirm_job(job):
                messages.info(request, _("This import has already been confirmed."))
        return redirect("imports:job", job_id=job.pk)
    context = {
        "job": job,
        "outcome": job.outcome,
        "errors": job.outcome.get("errors", []),
        "status_url": reverse("imports:job_status", args=[job.pk]),
        "may_confirm": may_confirm,
        **_links(job, staff),
    }
    if staff:
        context |= admin.site.each_context(request) | {"title": _("Spreadsheet import")}
        return render(request, "imports/job_admin.html", context)
    return render(request, "imports/job_portal.html", context)


@login_required
@require_GET
def job_status(request, job_id):
    job = _job_or_404(request, job_id)
    return JsonResponse(
        {
            "status": job.status,
            "label": job.get_status_display(),
            "finished": job.finished,
            "rows_read": job.rows_read,
            "rows_total": job.rows_total,
            "percent": job.percent,
            "rows_text": _("%(read)s of %(total)s rows read")
            % {"read": job.rows_read, "total": job.rows_total},
        }
    )
