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


def progress(year: int | None = None) -> dict:
    """People trained in the year (unique people with a completed course) against the target;
    manager training counted apart. Every figure is a count over the enrolments behind it."""
    year = year or timezone.localdate().year
    done = completed_in_year(year)
    regular = done.filter(course__kind__is_manager_training=False)
    managers = done.filter(course__kind__is_manager_training=True)
    trained = regular.values("person").distinct().count()
    # The trainee's own street where the roster gave it, else where the course was held.
    street = Coalesce("street__name", "course__street__name", "course__provider__street__name")
    return {
        "year": year,
        "target": target_for_year(year),
        "trained": trained,
        "managers": managers.values("person").distinct().count(),
        "certificates": done.exclude(certificate_number="").count(),
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
            for row in regular.annotate(street_name=street)
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
