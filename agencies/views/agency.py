"""The agency portal: signing up, applying, the dashboard and the agency's own record."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kunqu_jiafu.web.forms import posted, posted_files, show_service_errors

from .. import permissions, rules, selectors, survey_selectors, workflow
from ..forms import AGENCY_FORM_FIELDS, AgencyForm, SignupForm, SizeBasisForm
from ..models import Agency
from ..services import registration
from .access import _display, _refuse, agency_member, is_back_office

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
    if is_back_office(request.user):
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
            "can_import_workers": permissions.can_import_workers(user, agency)[0],
            "can_file": permissions.can_submit_filing(user, agency)[0],
            "surveys_due": survey_selectors.survey_forms_due(agency),
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
