"""The training pages: the provider's courses in the agency portal, the public page and sign-up.

Thin views over services, selectors and permissions. Another agency's course is simply not
found (404); bureau staff are sent to the admin, as in the rest of the portal.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from kunqu_jiafu.documents.sniff import XLSX
from kunqu_jiafu.documents.xlsx import attachment_header
from kunqu_jiafu.ratelimit import PublicFormGuard, too_many
from kunqu_jiafu.web.forms import posted, show_service_errors
from kunqu_jiafu.web.portal import agency_member

from . import permissions, selectors, services
from .forms import CourseFilterForm, CourseForm, EnrolForm, PublicSignupForm, RecordForm
from .models import Course
from .roster_export import build_roster_export, roster_export_filename

COURSES_PER_PAGE = 20
ROSTER_PER_PAGE = 50
FLAG_FIELDS = ("is_hard_to_employ", "is_unemployed", "is_graduate", "is_low_income")


def _own_course(request, agency, pk: int) -> Course:
    """The agency's own course, or 404 (another agency's course does not exist for it)."""
    return get_object_or_404(
        selectors.courses_for_user(request.user).filter(provider=agency), pk=pk
    )


# --- provider portal ----------------------------------------------------------------------


@agency_member
def course_list(request, agency):
    filters = CourseFilterForm(request.GET)
    filters.is_valid()
    chosen = {name: filters.cleaned_data.get(name) or "" for name in filters.fields}
    courses = selectors.courses_for_user(request.user).filter(provider=agency)
    if chosen["status"]:
        courses = courses.filter(status=chosen["status"])
    if chosen["year"]:
        courses = courses.filter(policy_year=chosen["year"])
    page = Paginator(
        selectors.enrolment_counts(courses).order_by("-starts_on", "-id"), COURSES_PER_PAGE
    ).get_page(request.GET.get("page"))
    can_plan, _reason = permissions.can_create_course(request.user, agency)
    return render(
        request,
        "training/course_list.html",
        {
            "agency": agency,
            "page": page,
            "filters": filters,
            "filtered": any(chosen.values()),
            "query": urlencode({k: v for k, v in chosen.items() if v}),
            "can_plan": can_plan,
        },
    )


@agency_member
@require_http_methods(["GET", "POST"])
def course_add(request, agency):
    allowed, reason = permissions.can_create_course(request.user, agency)
    if not allowed:
        messages.error(request, reason)
        return redirect("training:courses")
    form = CourseForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(
                actor=request.user, provider=agency, data=form.cleaned_data
            )
        except ValidationError as exc:
            show_service_errors(form, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("training:courses")
        else:
            messages.success(request, _("The course %(name)s is planned.") % {"name": course.name})
            return redirect("training:course", pk=course.pk)
    return render(request, "training/course_form.html", {"form": form, "agency": agency})


@agency_member
@require_http_methods(["GET", "POST"])
def course_edit(request, agency, pk: int):
    course = _own_course(request, agency, pk)
    allowed, reason = permissions.can_manage_course(request.user, course)
    if not allowed:
        messages.error(request, reason)
        return redirect("training:course", pk=course.pk)
    form = CourseForm(posted(request), instance=course)
    if request.method == "POST" and form.is_valid():
        try:
            services.course_update(actor=request.user, course=course, data=form.cleaned_data)
        except ValidationError as exc:
            show_service_errors(form, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("training:course", pk=course.pk)
        else:
            messages.success(request, _("The course is saved."))
            return redirect("training:course", pk=course.pk)
    return render(
        request, "training/course_form.html", {"form": form, "agency": agency, "course": course}
    )


def _render_detail(request, agency, course: Course, enrol_form: EnrolForm, status: int = 200):
    counted = selectors.enrolment_counts(Course.objects.filter(pk=course.pk)).get()
    roster = course.enrolments.select_related("person").order_by("id")
    page = Paginator(roster, ROSTER_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(e, e.person.id_for(request.user)) for e in page.object_list]
    can_manage, manage_reason = permissions.can_manage_course(request.user, course)
    return render(
        request,
        "training/course_detail.html",
        {
            "agency": agency,
            "course": course,
            "enrolled": counted.enrolled,
            "completed": counted.completed_count,
            "places_left": max(course.capacity - counted.enrolled, 0),
            "page": page,
            "rows": rows,
            "enrol_form": enrol_form,
            "can_manage": can_manage,
            "manage_reason": manage_reason,
        },
        status=status,
    )


@agency_member
def course_detail(request, agency, pk: int):
    course = _own_course(request, agency, pk)
    return _render_detail(request, agency, course, EnrolForm())


@require_POST
@agency_member
def course_enrol(request, agency, pk: int):
    course = _own_course(request, agency, pk)
    form = EnrolForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            enrolment = services.enrol(
                actor=request.user,
                course=course,
                id_number=data["id_number"],
                name=data["name"],
                phone=data["phone"],
                flags={f: data[f] for f in FLAG_FIELDS},
            )
        except ValidationError as exc:
            show_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(name)s is enrolled.") % {"name": enrolment.person.name})
            return redirect("training:course", pk=course.pk)
    return _render_detail(request, agency, course, form, status=400)


@agency_member
@require_http_methods(["GET", "POST"])
def enrolment_record(request, agency, pk: int, enrolment_pk: int):
    course = _own_course(request, agency, pk)
    enrolment = get_object_or_404(
        selectors.enrolments_for_user(request.user).filter(course=course), pk=enrolment_pk
    )
    allowed, reason = permissions.can_manage_course(request.user, course)
    if not allowed:
        messages.error(request, reason)
        return redirect("training:course", pk=course.pk)
    form = RecordForm(posted(request), instance=enrolment)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_record(
                actor=request.user, enrolment=enrolment, data=form.cleaned_data
            )
        except ValidationError as exc:
            show_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("The record of %(name)s is saved.") % {"name": enrolment.person.name}
            )
            return redirect("training:course", pk=course.pk)
    return render(
        request,
        "training/enrolment_form.html",
        {
            "agency": agency,
            "course": course,
            "enrolment": enrolment,
            "id_shown": enrolment.person.id_for(request.user),
            "form": form,
        },
    )


@agency_member
def roster_export(request, agency, pk: int):
    """The roster in the import template's columns, to fill in and upload again."""
    course = _own_course(request, agency, pk)
    return roster_export_response(course, request.user)


def roster_export_response(course: Course, user) -> HttpResponse:
    enrolments = course.enrolments.select_related("person", "street").order_by("id")
    return HttpResponse(
        build_roster_export(course, enrolments, user),
        content_type=XLSX,
        headers={"Content-Disposition": attachment_header(roster_export_filename(course))},
    )


# --- public pages --------------------------------------------------------------------------

OPEN_COURSES_SHOWN = 10


@never_cache
def public_landing(request):
    """/training/: what the training is, who it is for, how to sign up, courses open now."""
    courses = selectors.open_courses()
    year_progress = selectors.progress()
    return render(
        request,
        "training/landing.html",
        {
            "kinds": selectors.public_kinds(),
            "courses": courses[:OPEN_COURSES_SHOWN],
            "courses_open": courses.count(),
            "progress": year_progress,
        },
    )


@never_cache
def _too_many_signups(request, form, wait):
    form.add_error(
        None,
        _(
            "Too many sign-ups from here in a short time. Please try again after "
            "%(time)s (in about %(minutes)s minutes), or call the bureau's family "
            "services office."
        )
        % {"time": wait.until, "minutes": wait.minutes},
    )
    return too_many(request, "training/signup.html", {"form": form}, wait)


@require_http_methods(["GET", "POST"])
def public_signup(request):
    """Limited per client address and per ID number (kunqu_jiafu.ratelimit, scope
    "training.signup"); after a few sign-ups from one address a small sum is asked too."""
    form = PublicSignupForm(posted(request))
    guard = PublicFormGuard(request, "training.signup")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        wait = guard.wait(data["id_number"])
        if wait is not None:
            return _too_many_signups(request, form, wait)
        if not guard.challenge_passed():
            form.add_error(None, guard.challenge_error)
        elif (wait := guard.take(data["id_number"])) is not None:  # parallel floods: one check
            return _too_many_signups(request, form, wait)
        else:
            try:
                services.signup_create(
                    id_number=data["id_number"],
                    name=data["name"],
                    phone=data["phone"],
                    street=data["street"],
                    kinds=list(data["kinds"]),
                    note=data["note"],
                )
            except ValidationError as exc:
                show_service_errors(form, exc)
            else:
                return redirect("training_signup:thanks")
    return render(request, "training/signup.html", {"form": form, "challenge": guard.challenge()})


def public_signup_thanks(request):
    return render(request, "training/signup_thanks.html")
