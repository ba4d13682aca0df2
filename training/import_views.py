"""Roster import pages: upload → preview (every problem by row and column) → confirm.

The uploaded file is kept on the server between the two steps, in the private media area
under a random name; the page carries only a signed token naming it, bound to the user,
the course and the file's SHA-256. The confirm step re-reads that very file and imports it
through ``training.imports.roster_import``, which checks every row again under the course
lock. The client can never swap in different data: a changed token fails its signature, a
changed file fails its hash. The same flow serves the portal and the admin
(``training.admin_import``).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from kunqu_jiafu.web.portal import agency_member

from . import imports, permissions, selectors
from .models import Course
from .roster_columns import MAX_FILE_BYTES

_SALT = "training.roster_import"
STAGING_MAX_AGE = 2 * 3600  # seconds a preview may wait for its confirmation


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Roster file (.xlsx or .csv)"),
        help_text=gettext_lazy(
            "The filled-in template; a CSV file with the same header row also works."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


# --- keeping the upload between preview and confirm ---------------------------------------


def _staging_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "private" / "roster-staging"


def _sweep(directory: Path) -> None:
    """Forget uploads whose preview was never confirmed."""
    cutoff = time.time() - STAGING_MAX_AGE
    for path in directory.glob("*.upload"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass


def stage_upload(uploaded_file, *, user, course: Course) -> str:
    """Store the upload privately; return the signed token the confirm step sends back."""
    directory = _staging_dir()
    directory.mkdir(parents=True, exist_ok=True)
    _sweep(directory)
    uploaded_file.seek(0)
    data = uploaded_file.read(MAX_FILE_BYTES + 1)
    key = secrets.token_hex(16)
    (directory / f"{key}.upload").write_bytes(data)
    return signing.dumps(
        {
            "k": key,
            "u": user.pk,
            "c": course.pk,
            "n": (getattr(uploaded_file, "name", "") or "roster.xlsx")[-100:],
            "h": hashlib.sha256(data).hexdigest(),
        },
        salt=_SALT,
    )


def load_staged(token: str, *, user, course: Course) -> tuple[SimpleUploadedFile, str] | None:
    """The staged upload of this user for this course, or None (bad, stale or not theirs)."""
    try:
        payload = signing.loads(token, salt=_SALT, max_age=STAGING_MAX_AGE)
    except signing.BadSignature:
        return None
    if payload.get("u") != user.pk or payload.get("c") != course.pk:
        return None
    path = _staging_dir() / f"{payload['k']}.upload"
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if hashlib.sha256(data).hexdigest() != payload["h"]:
        return None
    return SimpleUploadedFile(payload["n"], data), payload["k"]


def discard_staged(key: str) -> None:
    (_staging_dir() / f"{key}.upload").unlink(missing_ok=True)


# --- the flow, shared by portal and admin -------------------------------------------------


def _errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for messages_ in exc.message_dict.values():
            form.add_error("file" if "file" in form.fields else None, messages_)
    else:
        form.add_error("file", exc.messages)


def roster_import_flow(request, course: Course, *, template_name: str, context: dict, done_url):
    """GET: the upload form. POST file: preview. POST token + confirm: import, redirect."""
    form = RosterUploadForm()
    preview = result = None
    token = ""
    if request.method == "POST" and request.POST.get("token"):
        staged = load_staged(request.POST["token"], user=request.user, course=course)
        if staged is None:
            messages.error(
                request,
                _(
                    "The uploaded file has expired or is not valid any more; please upload it again."
                ),
            )
        elif "confirm" in request.POST:
            upload, key = staged
            try:
                result = imports.roster_import(
                    actor=request.user, course=course, uploaded_file=upload
                )
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                if result.ok:
                    discard_staged(key)
                    messages.success(
                        request,
                        _(
                            "Roster imported: %(created)s trainees enrolled (%(people)s new "
                            "people), %(updated)s records updated."
                        )
                        % {
                            "created": result.created,
                            "people": result.new_people,
                            "updated": result.updated,
                        },
                    )
                    return redirect(done_url)
                # Something changed since the preview (capacity, another import): show it.
                token = request.POST["token"]
        else:
            discard_staged(staged[1])
    elif request.method == "POST":
        form = RosterUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                preview = imports.roster_preview(
                    actor=request.user, course=course, uploaded_file=upload
                )
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                if preview.ok:
                    token = stage_upload(upload, user=request.user, course=course)
    errors = (result or preview).errors if (result or preview) else []
    return render(
        request,
        template_name,
        {
            **context,
            "course": course,
            "form": form,
            "preview": preview,
            "result": result,
            "errors": errors,
            "token": token,
        },
        status=200,
    )


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
            done_url=reverse("training:course", args=[course.pk]),
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("training:course", pk=course.pk)


@agency_member
def roster_template(request, agency):
    return roster_template_response()
