"""The agency portal: the worker list, adding, editing, leaving, and the spreadsheet import."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kunqu_jiafu.documents.sniff import XLSX
from kunqu_jiafu.documents.xlsx import attachment_header
from kunqu_jiafu.people.id_search import TOKEN_PARAM, request_id_hash
from kunqu_jiafu.people.idcard import normalize as normalize_id
from kunqu_jiafu.people.models import Person
from kunqu_jiafu.web.forms import posted, posted_files, show_service_errors

from .. import imports, permissions, rules, selectors
from ..forms import (
    COMMON_JOBS,
    WORKER_FORM_FIELDS,
    WorkerFilterForm,
    WorkerForm,
    WorkerImportForm,
    WorkerLeaveForm,
)
from ..models import Agency, Worker
from ..services import workers as worker_records
from .access import _refuse, _with_status, agency_member

WORKERS_PER_PAGE = 20
TEMPLATE_FILENAME = imports.TEMPLATE_FILENAME
TEMPLATE_FALLBACK = "worker-import-template.xlsx"


# --- workers ------------------------------------------------------------------------------


def _looks_like_id_number(value: str) -> bool:
    value = normalize_id(value)
    return len(value) == 18 and value[:17].isdecimal()


@agency_member
def workers(request, agency: Agency):
    user = request.user
    scoped = selectors.workers_for_user(user).filter(agency=agency)
    jobs = list(
        scoped.filter(left_on__isnull=True).order_by("job").values_list("job", flat=True).distinct()
    )
    filters = WorkerFilterForm(request.GET, jobs=jobs)
    filters.is_valid()
    chosen = {name: filters.cleaned_data.get(name) or "" for name in filters.fields}

    qs = scoped.filter(left_on__isnull=chosen["show"] != "left")
    if chosen["q"]:
        match = Q(person__name__icontains=chosen["q"])
        if _looks_like_id_number(chosen["q"]):
            match |= Q(person__in=Person.objects.by_id_number(chosen["q"]))
        qs = qs.filter(match)
    # A search by ID number comes as a token (the box posts to id_search): never the number.
    id_hash = request_id_hash(request)
    if id_hash is not None:
        qs = qs.filter(person__id_hash=id_hash) if id_hash else qs.none()
        chosen[TOKEN_PARAM] = request.GET[TOKEN_PARAM]
    if chosen["job"]:
        qs = qs.filter(job=chosen["job"])
    # The derived status is filtered, counted and paged in the database; only the page's
    # rows get their status (with reasons) worked out in Python.
    policy = selectors.policy_for_year()
    counts = selectors.worker_status_counts(qs, policy=policy)
    if chosen["status"]:
        qs = selectors.workers_by_status(qs, chosen["status"], policy=policy)
    page = Paginator(qs.order_by("-hired_on", "-id"), WORKERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    page.object_list = _with_status(page.object_list, policy)
    query = urlencode({k: v for k, v in chosen.items() if v})
    others = {k: v for k, v in chosen.items() if v and k != "status"}
    return render(
        request,
        "agencies/workers.html",
        {
            "agency": agency,
            "filters": filters,
            "page": page,
            "query": query,
            "chosen": chosen,
            "all_statuses_url": "?" + urlencode(others),
            "status_chips": [
                (colour, label, counts[colour], "?" + urlencode(others | {"status": colour}))
                for colour, label in rules.STATUS_LABELS.items()
            ],
            "filtered": any(chosen.values()),
            "id_searched": id_hash is not None,
            "can_manage": permissions.can_manage_workers(user, agency)[0],
            "can_import": permissions.can_import_workers(user, agency)[0],
            "rows": [(w, w.person.id_for(user), status) for w, status in page.object_list],
        },
    )


@agency_member
@require_http_methods(["GET", "POST"])
def worker_add(request, agency: Agency):
    refused = _refuse(
        request, permissions.can_manage_workers(request.user, agency), "portal:workers"
    )
    if refused:
        return refused
    today = timezone.localdate()
    form = WorkerForm(
        posted(request),
        initial={"hired_on": today, "contract_start": today, "contract_kind": "labour"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            worker = worker_records.worker_add(
                actor=request.user,
                agency=agency,
                id_number=data["id_number"],
                name=data["name"],
                phone=data["phone"],
                data=form.worker_data(),
            )
        except ValidationError as exc:
            show_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": worker.person.name})
            if "add_another" in request.POST:
                return redirect("portal:worker_add")
            return redirect("portal:workers")
    return render(
        request,
        "agencies/worker_form.html",
        {"agency": agency, "form": form, "worker": None, "common_jobs": COMMON_JOBS},
    )


def _worker_of(request, agency: Agency, pk: int) -> Worker:
    # Scoped by the selector: another agency's worker is simply not found (404).
    return get_object_or_404(selectors.workers_for_user(request.user).filter(agency=agency), pk=pk)


@agency_member
@require_http_methods(["GET", "POST"])
def worker_edit(request, agency: Agency, pk: int):
    worker = _worker_of(request, agency, pk)
    refused = _refuse(
        request, permissions.can_manage_workers(request.user, agency), "portal:workers"
    )
    if refused:
        return refused
    initial = {name: getattr(worker, name) for name in WORKER_FORM_FIELDS}
    initial["graduated_on"] = worker.person.graduated_on
    form = WorkerForm(posted(request), initial=initial, with_person=False)
    if request.method == "POST" and form.is_valid():
        try:
            worker_records.worker_update(actor=request.user, worker=worker, data=form.worker_data())
        except ValidationError as exc:
            show_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": worker.person.name})
            return redirect("portal:workers")
    return render(
        request,
        "agencies/worker_form.html",
        {
            "agency": agency,
            "form": form,
            "worker": worker,
            "id_shown": worker.person.id_for(request.user),
            "status": selectors.worker_status(worker),
            "common_jobs": COMMON_JOBS,
        },
    )


@agency_member
@require_http_methods(["GET", "POST"])
def worker_leave(request, agency: Agency, pk: int):
    worker = _worker_of(request, agency, pk)
    refused = _refuse(
        request, permissions.can_manage_workers(request.user, agency), "portal:workers"
    )
    if refused:
        return refused
    if worker.left_on is not None:
        messages.info(request, _("%(name)s has already left.") % {"name": worker.person.name})
        return redirect("portal:workers")
    form = WorkerLeaveForm(posted(request), initial={"left_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            worker_records.worker_leave(
                actor=request.user, worker=worker, left_on=form.cleaned_data["left_on"]
            )
        except ValidationError as exc:
            show_service_errors(form, exc)
        else:
            messages.success(
                request, _("%(name)s is recorded as having left.") % {"name": worker.person.name}
            )
            return redirect("portal:workers")
    return render(
        request,
        "agencies/worker_leave.html",
        {
            "agency": agency,
            "form": form,
            "worker": worker,
            "id_shown": worker.person.id_for(request.user),
        },
    )


@agency_member
@require_http_methods(["GET", "POST"])
def workers_import(request, agency: Agency):
    refused = _refuse(
        request, permissions.can_import_workers(request.user, agency), "portal:workers"
    )
    if refused:
        return refused
    form = WorkerImportForm(posted(request), posted_files(request))
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.start_workers_import(
                actor=request.user, agency=agency, uploaded_file=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            show_service_errors(form, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("portal:workers")
        else:
            return redirect("imports:job", job_id=job.pk)
    return render(request, "agencies/workers_import.html", {"agency": agency, "form": form})


@agency_member
def workers_template(request, agency: Agency):

    return HttpResponse(
        imports.build_template(),
        content_type=XLSX,
        headers={
            "Content-Disposition": attachment_header(TEMPLATE_FILENAME, fallback=TEMPLATE_FALLBACK)
        },
    )
