"""Reads of the training area; agency scoping happens here."""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce, ExtractMonth
from django.utils import timezone

from agencies.permissions import user_agency_id
from kunqu_jiafu.accounts.roles import is_agency_user, is_staff_member

from .models import Course, CourseKind, Enrolment, TrainingSignup, TrainingTarget


def courses_for_user(user) -> QuerySet[Course]:
    qs = Course.objects.select_related("kind", "provider", "street")
    if is_staff_member(user):
        return qs
    if is_agency_user(user):
        return qs.filter(provider_id=user_agency_id(user))
    return qs.none()


def enrolments_for_user(user) -> QuerySet[Enrolment]:
    qs = Enrolment.objects.select_related("person", "course", "course__kind", "course__provider")
    if is_staff_member(user):
        return qs
    if is_agency_user(user):
        return qs.filter(course__provider_id=user_agency_id(user))
    return qs.none()


def signups_for_user(user) -> QuerySet[TrainingSignup]:
    if not is_staff_member(user):
        return TrainingSignup.objects.none()
    return TrainingSignup.objects.select_related("person", "street").prefetch_related("kinds")


def target_for_year(year: int) -> int:
    target = TrainingTarget.objects.filter(year__lte=year).order_by("-year").first()
    return target.people if target else 2000


def completed_in_year(year: int) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(completed=True, completed_on__year=year)


# The definitions of the year's training figures, shared by the dashboard panel, the API's
# progress and the annual report (``training/report.py``): one definition per figure.
REGULAR = Q(course__kind__is_manager_training=False)
MANAGER = Q(course__kind__is_manager_training=True)
# The trainee's own street where the roster gave it, else where the course was held, else the
# provider's street.
TRAINEE_STREET_ID = Coalesce("street_id", "course__street_id", "course__provider__street_id")
TRAINEE_STREET = Coalesce("street__name", "course__street__name", "course__provider__street__name")


def _done(year: int) -> Q:
    return Q(completed=True, completed_on__year=year)


def _certified(year: int) -> Q:
    return _done(year) & ~Q(certificate_number="")


def year_totals(year: int) -> dict[str, int]:
    """The year's figures in one aggregate over the enrolments. ``trained``: distinct people
    with a course other than manager training completed in the year; ``managers``: distinct
    people with a manager course completed; ``completions``: enrolments completed in the year
    (every kind); ``certificates``: of those, the ones with a certificate number;
    ``enrolments``: enrolments on the courses of the policy year; ``hard_to_employ``: trained
    people the bureau records as 就业困难人员."""
    done = _done(year)
    return Enrolment.objects.filter(done | Q(course__policy_year=year)).aggregate(
        trained=Count("person", distinct=True, filter=done & REGULAR),
        managers=Count("person", distinct=True, filter=done & MANAGER),
        completions=Count("pk", filter=done),
        certificates=Count("pk", filter=_certified(year)),
        enrolments=Count("pk", filter=Q(course__policy_year=year)),
        hard_to_employ=Count(
            "person", distinct=True, filter=done & REGULAR & Q(person__is_hard_to_employ=True)
        ),
    )


def year_by_kind(year: int) -> QuerySet[CourseKind]:
    """Every course kind with, for the year, ``people`` (distinct people who completed a course
    of the kind), ``enrolled``, ``completions`` and ``certificates`` (as in year_totals)."""
    done = Q(courses__enrolments__completed=True, courses__enrolments__completed_on__year=year)
    return CourseKind.objects.annotate(
        people=Count("courses__enrolments__person", distinct=True, filter=done),
        enrolled=Count("courses__enrolments", filter=Q(courses__policy_year=year)),
        completions=Count("courses__enrolments", filter=done),
        certificates=Count(
            "courses__enrolments",
            filter=done & ~Q(courses__enrolments__certificate_number=""),
        ),
    ).order_by("sort_order", "pk")


def year_by_street(year: int) -> list[dict]:
    """Courses other than manager training by the trainee's street (TRAINEE_STREET): for the
    year, ``people`` (distinct people trained), ``enrolled``, ``completions``, ``certificates``.
    Rows ``street_id``, ``street_name``, ``street_order``; a street not known is None."""
    done = _done(year)
    return list(
        Enrolment.objects.filter(REGULAR)
        .filter(done | Q(course__policy_year=year))
        .annotate(
            street_key=TRAINEE_STREET_ID,
            street_name=TRAINEE_STREET,
            street_order=Coalesce(
                "street__sort_order",
                "course__street__sort_order",
                "course__provider__street__sort_order",
            ),
        )
        .values("street_key", "street_name", "street_order")
        .annotate(
            people=Count("person", distinct=True, filter=done),
            enrolled=Count("pk", filter=Q(course__policy_year=year)),
            completions=Count("pk", filter=done),
            certificates=Count("pk", filter=_certified(year)),
        )
        .order_by("street_order", "street_key")
    )


def progress(year: int | None = None) -> dict:
    """People trained in the year (unique people with a completed course) against the target;
    manager training counted apart. Every figure is a count over the enrolments behind it."""
    year = year or timezone.localdate().year
    done = completed_in_year(year)
    regular = done.filter(REGULAR)
    totals = year_totals(year)
    return {
        "year": year,
        "target": target_for_year(year),
        "trained": totals["trained"],
        "managers": totals["managers"],
        "certificates": totals["certificates"],
        "by_month": list(
            regular.annotate(month=ExtractMonth("completed_on"))
            .values("month")
            .annotate(people=Count("person", distinct=True))
            .order_by("month")
        ),
        "by_kind": list(
            done.values("course__kind__name")
            .annotate(people=Count("person", distinct=True))
            .order_by("course__kind__name")
        ),
        "by_street": [
            {"street": row["street_name"], "people": row["people"]}
            for row in regular.annotate(street_name=TRAINEE_STREET)
            .values("street_name")
            .annotate(people=Count("person", distinct=True))
            .order_by("street_name")
        ],
    }


def seats_taken(course: Course) -> int:
    return course.enrolments.count()


def signup_demand() -> list[dict]:
    return list(
        TrainingSignup.objects.filter(status=TrainingSignup.Status.NEW)
        .values("kinds__name", "street__name")
        .annotate(people=Count("pk"))
        .order_by("kinds__name", "street__name")
    )


def enrolment_counts(courses: QuerySet[Course]) -> QuerySet[Course]:
    return courses.annotate(
        enrolled=Count("enrolments", distinct=True),
        completed_count=Count("enrolments", filter=Q(enrolments__completed=True), distinct=True),
    )


def course_kind_standards() -> list[CourseKind]:
    """The course kinds in use with the bureau's training subsidy standard of each, and whether
    a bureau user has confirmed it (the plan gives no figure)."""
    return list(CourseKind.objects.filter(active=True).select_related("standard_confirmed_by"))


# --- the public training page --------------------------------------------------------------


def open_courses(today=None) -> QuerySet[Course]:
    """Courses a resident can still join: planned or enrolling, not ended; places left."""
    today = today or timezone.localdate()
    return (
        enrolment_counts(
            Course.objects.filter(
                status__in=(Course.Status.PLANNED, Course.Status.ENROLLING), ends_on__gte=today
            ).select_related("kind", "provider")
        )
        .annotate(places_left=F("capacity") - F("enrolled"))
        .order_by("starts_on", "id")
    )


def public_kinds() -> QuerySet[CourseKind]:
    """The kinds of training residents may ask for (manager training is for agencies)."""
    return CourseKind.objects.filter(active=True, is_manager_training=False)


# --- reads other areas make (subsidies) -------------------------------------------------------


def provider_enrolments(provider, *, ids=None, certificate_numbers=None) -> QuerySet[Enrolment]:
    """Enrolments of the provider's own courses, by enrolment id or by certificate number."""
    qs = Enrolment.objects.filter(course__provider=provider).select_related(
        "course", "course__kind", "person"
    )
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    if certificate_numbers is not None:
        qs = qs.filter(certificate_number__in=list(certificate_numbers))
    return qs


def enrolments_completed_in(provider, year: int) -> QuerySet[Enrolment]:
    """The provider's enrolments completed in the year (what a training subsidy may list)."""
    return Enrolment.objects.filter(
        course__provider=provider, completed=True, completed_on__year=year
    ).select_related("course", "person")


def certificates_issued_in(provider, year: int) -> QuerySet[Enrolment]:
    """The provider's enrolments passed with a certificate issued in the year (a certificate
    without a date counts in its course's year): what a certification subsidy may list."""
    return (
        Enrolment.objects.filter(course__provider=provider, exam=Enrolment.Exam.PASSED)
        .exclude(certificate_number="")
        .filter(Q(certified_on__year=year) | Q(certified_on__isnull=True, course__policy_year=year))
        .select_related("course", "person")
    )
