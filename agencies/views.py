"""The agency portal: thin views over services, selectors and permissions."""

from __future__ import annotations

import datetime as dt
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kunqu_jiafu.accounts.roles import is_agency_user, is_staff_member
from kunqu_jiafu.documents.sniff import XLSX
from kunqu_jiafu.people.idcard import normalize as normalize_id
from kunqu_jiafu.people.models import Person
from kunqu_jiafu.web.forms import posted, posted_files, show_service_errors

from . import importers, permissions, rules, selectors, workflow
from .forms import (
    AGENCY_FORM_FIELDS,
    COMMON_JOBS,
    WORKER_FORM_FIELDS,
    AgencyForm,
    FilingForm,
    SignupForm,
    SizeBasisForm,
    WorkerFilterForm,
    WorkerForm,
    WorkerImportForm,
    WorkerLeaveForm,
)
from .models import Agency, EmployeeSystemFiling, Worker
from .services import filings, registration
from .services import workers as worker_records

WORKERS_PER_PAGE = 20
TEMPLATE_FILENAME = "从业人员导入模板.xlsx"


# --- access -----------------------------------------------------------------------------


def _is_back_office(user) -> bool:
    return not is_agency_user(user) and (is_staff_member(user) or user.is_superuser)


def agency_member(view):
    """Signed in with an agency: pass it to the view. Staff go to the admin, others apply."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if _is_back_office(request.user):
            return redirect("admin:index")
        agency = selectors.agency_of_user(request.user)
        if agency is None:
            return redirect("portal:apply")
        return view(request, agency, *args, **kwargs)

    return wrapper


def _refuse(request, result: tuple[bool, str], fallback: str):
    """Redirect with the permission's reason when it says no; None when allowed."""
    allowed, reason = result
    if allowed:
        return None
    messages.error(request, reason)
    return redirect(fallback)


def _display(value) -> str:
    """A read-only value as the portal writes it elsewhere (ISO dates, 、-separated lists)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "、".join(map(str, value))
    return str(value)


def _with_status(workers, policy) -> list[tuple[Worker, rules.WorkerStatus]]:
    today = timezone.localdate()
    return [(w, selectors.worker_status(w, today=today, policy=policy)) for w in workers]


# --- account and application --------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            user = registration.applicant_signup(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                full_name=form.cleaned_data["full_name"],
                phone=form.cleaned_data["phone"],
                email=form.cleaned_data["email"],
            )
        except ValidationError as exc:
            show_service_errors(form, exc)
        else:
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            messages.success(
                request, _("Your account is ready. Now fill in your agency's registration.")
            )
            return redirect("portal:apply")
    return render(request, "agencies/signup.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def apply(request):
    if _is_back_office(request.user):
        return redirect("admin:index")
    if selectors.agency_of_user(request.user) is not None:
        return redirect("portal:dashboard")
    form = AgencyForm(posted(request), posted_files(request))
    if request.method == "POST" and form.is_valid():
        try:
            registration.agency_apply(
                user=request.user,
                data=form.agency_data(),
                formats=form.cleaned_data["formats"],
                license_file=form.cleaned_data.get("license") or None,
            )
        except ValidationError as exc:
            show_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Your registration was submitted. The bureau will review it; you will be "
                    "notified of the decision."
                ),
            )
            return redirect("portal:dashboard")
    return render(
        request,
        "agencies/apply.html",
        {"form": form, "license_chosen": bool(request.FILES.get("license"))},
    )


# --- the agency ---------------------------------------------------------------------------


@agency_member
def dashboard(request, agency: Agency):
    user = request.user
    policy = selectors.policy_for_year()
    active = selectors.workers_for_user(user).filter(agency=agency, left_on__isnull=True)
    colours = selectors.worker_status_counts(active, policy=policy)
    size = selectors.agency_enterprise_size(agency)
    return render(
        request,
        "agencies/dashboard.html",
        {
            "agency": agency,
            "formats": list(agency.formats.all()),
            "size": size,
            "size_label": selectors.enterprise_size_label(size),
            "recognitions": list(selectors.recognitions_for_user(user).filter(agency=agency)),
            "workers_total": sum(colours.values()),
            "worker_summary": [
                (colour, label, colours[colour]) for colour, label in rules.STATUS_LABELS.items()
            ],
            "workers_need_attention": colours[rules.YELLOW] + colours[rules.RED],
            "filing": selectors.filings_for_user(user).filter(agency=agency).first(),
            "can_edit": permissions.can_edit_agency(user, agency)[0],
            "can_reapply": permissions.can_transition_agency(user, agency, "reapply")[0],
            "can_manage_workers": permissions.can_manage_workers(user, agency)[0],
            "can_file": permissions.can_submit_filing(user, agency)[0],
        },
    )


@agency_member
@require_http_methods(["GET", "POST"])
def agency_edit(request, agency: Agency):
    refused = _refuse(
        request, permissions.can_edit_agency(request.user, agency), "portal:dashboard"
    )
    if refused:
        return refused
    editable = tuple(workflow.AGENCY_EDITABLE_FIELDS[agency.status])
    initial = {name: getattr(agency, name) for name in AGENCY_FORM_FIELDS if name != "formats"}
    initial["formats"] = list(agency.formats.all())
    form = AgencyForm(posted(request), posted_files(request), initial=initial, editable=editable)
    if request.method == "POST" and form.is_valid():
        try:
            registration.agency_update(
                actor=request.user,
                agency=agency,
                data=form.agency_data(),
                formats=form.cleaned_data["formats"] if "formats" in editable else None,
                license_file=form.cleaned_data.get("license") or None,
            )
        except ValidationError as exc:
            show_service_errors(form, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("portal:dashboard")
        else:
            messages.success(request, _("The agency's details were saved."))
            return redirect("portal:dashboard")
    read_only = [
        (capfirst(Agency._meta.get_field(name).verbose_name), _display(initial[name]))
        for name in AGENCY_FORM_FIELDS
        if name not in editable
    ]
    return render(
        request,
        "agencies/agency_edit.html",
        {
            "agency": agency,
            "form": form,
            "read_only": read_only,
            "license_chosen": bool(request.FILES.get("license")),
        },
    )


@agency_member
@require_http_methods(["GET", "POST"])
def agency_size(request, agency: Agency):
    """The basis of the enterprise size (staff, revenue), and the size the thresholds give."""
    allowed, reason = permissions.can_edit_agency(request.user, agency)
    initial = {"size_staff": agency.size_staff, "size_revenue": agency.size_revenue}
    initial["size_year"] = agency.size_year or timezone.localdate().year - 1
    form = SizeBasisForm(posted(request), initial=initial)
    if request.method == "POST":
        if not allowed:
            messages.error(request, reason)
            return redirect("portal:agency_size")
        if form.is_valid():
            try:
                registration.agency_size_set(
                    actor=request.user,
                    agency=agency,
                    staff=form.cleaned_data["size_staff"],
                    revenue=form.cleaned_data["size_revenue"],
                    year=form.cleaned_data["size_year"],
                )
            except ValidationError as exc:
                show_service_errors(form, exc)
            except PermissionDenied as exc:
                messages.error(request, str(exc))
                return redirect("portal:agency_size")
            else:
                messages.success(request, _("The enterprise size figures were saved."))
                return redirect("portal:agency_size")
    size = selectors.agency_enterprise_size(agency)
    return render(
        request,
        "agencies/agency_size.html",
        {
            "agency": agency,
            "form": form,
            "can_edit": allowed,
            "refusal": reason,
            "size": size,
            "size_label": selectors.enterprise_size_label(size),
            "thresholds": selectors.size_threshold_rows(),
        },
    )


@require_POST
@agency_member
def reapply(request, agency: Agency):
    try:
        registration.agency_reapply(actor=request.user, agency=agency)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(
            request, _("Your application was submitted again and waits for the bureau's review.")
        )
    return redirect("portal:dashboard")


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
            "can_manage": permissions.can_manage_workers(user, agency)[0],
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
        request, permissions.can_manage_workers(request.user, agency), "portal:workers"
    )
    if refused:
        return refused
    form = WorkerImportForm(posted(request), posted_files(request))
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = importers.workers_import(
                actor=request.user, agency=agency, uploaded_file=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            show_service_errors(form, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("portal:workers")
        else:
            if result.ok:
                messages.success(
                    request,
                    _("Import finished: %(created)s workers added, %(updated)s updated.")
                    % {"created": result.created, "updated": result.updated},
                )
                return redirect("portal:workers")
    errors = sorted(result.errors, key=lambda e: (e.row, e.field)) if result else []
    return render(
        request,
        "agencies/workers_import.html",
        {"agency": agency, "form": form, "result": result, "errors": errors},
    )


@agency_member
def workers_template(request, agency: Agency):

    return HttpResponse(
        importers.build_template(),
        content_type=XLSX,
        headers={"Content-Disposition": content_disposition_header(True, TEMPLATE_FILENAME)},
    )


# --- employee-system filing ---------------------------------------------------------------


@agency_member
@require_http_methods(["GET", "POST"])
def filing(request, agency: Agency):
    user = request.user
    history = list(selectors.filings_for_user(user).filter(agency=agency)[:10])
    current = history[0] if history else None
    allowed, reason = permissions.can_submit_filing(user, agency)
    in_force = next((f for f in history if f.status == EmployeeSystemFiling.Status.FILED), None)
    renewal_opens = filings.renewal_opens_on(in_force) if in_force else None
    pending = any(f.status == EmployeeSystemFiling.Status.SUBMITTED for f in history)
    closed = pending or (renewal_opens is not None and timezone.localdate() < renewal_opens)
    can_submit = allowed and not closed
    initial = {}
    if current is not None and current.status == EmployeeSystemFiling.Status.RETURNED:
        initial = {name: getattr(current, name) for name in FilingForm().fields}
    form = FilingForm(posted(request), initial=initial)
    if request.method == "POST":
        if not can_submit:
            messages.error(request, reason or _("The current filing is still being handled."))
            return redirect("portal:filing")
        if form.is_valid():
            try:
                filings.filing_submit(actor=user, agency=agency, declarations=form.declarations())
            except ValidationError as exc:
                show_service_errors(form, exc)
            except PermissionDenied as exc:
                messages.error(request, str(exc))
                return redirect("portal:filing")
            else:
                messages.success(request, _("The filing was submitted; the bureau will review it."))
                return redirect("portal:filing")
    return render(
        request,
        "agencies/filing.html",
        {
            "agency": agency,
            "figures": selectors.filing_figures_for(agency, selectors.policy_for_year()),
            "current": current,
            "in_force": in_force,
            "renewal_opens": renewal_opens,
            "history": history[1:],
            "form": form,
            "can_submit": can_submit,
            "refusal": "" if allowed else reason,
            "resubmit": current is not None
            and current.status == EmployeeSystemFiling.Status.RETURNED,
        },
    )
