"""Roster import pages: upload → an import job checks it (every problem by row and column)
→ confirm on the job's page → the job writes it.

The upload is screened at once and kept on the server as an import job
(``kunqu_jiafu.imports.jobs``) with its SHA-256; the job's page (the agency's users and staff
only) shows the progress and the preview, and its confirm button queues the write of that
very file, which checks every row again under the course lock. The client never sends the
data twice, so it cannot swap it; a stored file changed meanwhile fails its hash. The same
flow serves the portal and the admin (``training.admin_import``).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from kunqu_jiafu.web.portal import agency_member

from . import imports, permissions, selectors
from .models import Course


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Roster file (.xlsx or .csv)"),
        help_text=gettext_lazy(
            "The filled-in template; a CSV file with the same header row also works."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


def _errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for messages_ in exc.message_dict.values():
            form.add_error("file" if "file" in form.fields else None, messages_)
    else:
        form.add_error("file", exc.messages)


def roster_import_flow(request, course: Course, *, template_name: str, context: dict, via_admin):
    """GET: the upload form. POST file: screen it and start the job that checks it; the job's
    page shows the progress, then the preview and the confirm button."""
    form = RosterUploadForm()
    if request.method == "POST":
        form = RosterUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                job = imports.start_roster_check(
                    actor=request.user,
                    course=course,
                    uploaded_file=form.cleaned_data["file"],
                    via_admin=via_admin,
                )
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                return redirect("imports:job", job_id=job.pk)
    return render(request, template_name, {**context, "course": course, "form": form})


def roster_template_response() -> HttpResponse:
    return imports.roster_template_download()


# --- portal pages (the provider's own courses) ----------------------------------------------


@agency_member
@require_http_methods(["GET", "POST"])
def roster_import(request, agency, pk: int):
    course = get_object_or_404(
        selectors.courses_for_user(request.user).filter(provider=agency), pk=pk
    )
    allowed, reason = permissions.can_manage_course(request.user, course)
    if not allowed:
        messages.error(request, reason)
        return redirect("training:course", pk=course.pk)
    try:
        return roster_import_flow(
            request,
            course,
            template_name="training/roster_import.html",
            context={
                "agency": agency,
                "template_url": reverse("training:roster_template"),
                "export_url": reverse("training:roster_export", args=[course.pk]),
            },
            via_admin=False,
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("training:course", pk=course.pk)


@agency_member
def roster_template(request, agency):
    return roster_template_response()
