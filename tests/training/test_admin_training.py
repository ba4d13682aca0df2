"""Training in the staff admin: courses, enrolments, sign-ups; officials read only."""

import datetime as dt
from io import BytesIO

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from agencies.models import Street
from tests import factories
from tests.id_search import search
from tests.training.test_portal_courses import _bulk_enrol, make_course
from training import services
from training.models import Course, CourseKind, Enrolment, TrainingSignup

TODAY = timezone.localdate()


def make_signup(*kinds: str, street=None) -> TrainingSignup:
    return services.signup_create(
        id_number=factories.id_number(),
        name="刘秀英",
        phone="13912345678",
        street=street or Street.objects.filter(active=True).first(),
        kinds=list(CourseKind.objects.filter(code__in=kinds or ["pre_job"])),
    )


def course_post(provider, **overrides) -> dict:
    data = {
        "provider": provider.pk,
        "name": "育婴员培训班",
        "kind": CourseKind.objects.get(code="pre_job").pk,
        "street": "",
        "starts_on": (TODAY - dt.timedelta(days=5)).isoformat(),
        "ends_on": (TODAY + dt.timedelta(days=5)).isoformat(),
        "class_hours": "48",
        "capacity": "25",
        "subsidy_standard": "600",
        "policy_year": str(TODAY.year),
    }
    data.update(overrides)
    return data


def test_reviewer_plans_a_course_in_the_admin_through_the_service(reviewer, org_a, client_for):
    response = client_for(reviewer).post(reverse("admin:training_course_add"), course_post(org_a))
    assert response.status_code == 302
    course = Course.objects.get(name="育婴员培训班")
    assert course.provider == org_a and course.capacity == 25
    from kunqu_jiafu.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="training.course.created").count() == 1


def test_admin_course_form_shows_the_service_error(reviewer, org_a, client_for):
    response = client_for(reviewer).post(
        reverse("admin:training_course_add"),
        course_post(org_a, ends_on=(TODAY - dt.timedelta(days=30)).isoformat()),
    )
    assert response.status_code == 200
    assert "ends_on" in response.context["adminform"].form.errors
    assert not Course.objects.exists()


def test_course_list_annotates_enrolled_and_completed(reviewer, agency_a, org_a, client_for):
    course = make_course(agency_a, org_a)
    e = services.enrol(actor=agency_a, course=course, id_number=factories.id_number(), name="王")
    services.enrolment_record(actor=agency_a, enrolment=e, data={"completed": True})
    response = client_for(reviewer).get(reverse("admin:training_course_changelist"))
    row = response.context["cl"].result_list[0]
    assert (row.enrolled, row.completed_count) == (1, 1)


def test_official_sees_courses_but_cannot_change_them(official, agency_a, org_a, client_for):
    course = make_course(agency_a, org_a)
    client = client_for(official)
    url = reverse("admin:training_course_change", args=[course.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = client.post(url, course_post(org_a, name="改名"))
    assert response.status_code == 403
    course.refresh_from_db()
    assert course.name == "家政服务员岗前培训第一期"
    assert client.get(reverse("admin:training_course_add")).status_code == 403


def test_official_cannot_record_an_enrolment_in_the_admin(official, agency_a, org_a, client_for):
    course = make_course(agency_a, org_a)
    e = services.enrol(actor=agency_a, course=course, id_number=factories.id_number(), name="王")
    response = client_for(official).post(
        reverse("admin:training_enrolment_change", args=[e.pk]),
        {"attended_hours": "40", "completed": "on", "exam": "none"},
    )
    assert response.status_code == 403
    e.refresh_from_db()
    assert not e.completed


def test_reviewer_records_completion_in_the_admin(reviewer, agency_a, org_a, client_for):
    course = make_course(agency_a, org_a)
    e = services.enrol(actor=agency_a, course=course, id_number=factories.id_number(), name="王")
    response = client_for(reviewer).post(
        reverse("admin:training_enrolment_change", args=[e.pk]),
        {
            "attended_hours": "40",
            "completed": "on",
            "completed_on": course.ends_on.isoformat(),
            "exam": "passed",
            "certificate_number": "JZ-9",
            "skill_level": "四级",
            "certified_on": "",
        },
    )
    assert response.status_code == 302
    e.refresh_from_db()
    assert e.completed and e.certificate_number == "JZ-9"


def test_reviewer_finds_an_enrolment_by_exact_id_number(reviewer, agency_a, org_a, client_for):
    course = make_course(agency_a, org_a)
    number = factories.id_number()
    services.enrol(actor=agency_a, course=course, id_number=number, name="王芳")
    services.enrol(actor=agency_a, course=course, id_number=factories.id_number(), name="李娜")
    response = search(client_for(reviewer), reverse("admin:training_enrolment_changelist"), number)
    assert [e.person.name for e in response.context["cl"].result_list] == ["王芳"]


def test_official_cannot_search_enrolments_by_id_number(official, agency_a, org_a, client_for):
    course = make_course(agency_a, org_a)
    number = factories.id_number()
    services.enrol(actor=agency_a, course=course, id_number=number, name="王芳")
    response = search(client_for(official), reverse("admin:training_enrolment_changelist"), number)
    assert list(response.context["cl"].result_list) == []


def test_enrolment_export_is_xlsx_with_full_ids_for_the_reviewer(
    reviewer, agency_a, org_a, client_for
):
    course = make_course(agency_a, org_a)
    number = factories.id_number()
    services.enrol(actor=agency_a, course=course, id_number=number, name="王芳")
    response = client_for(reviewer).get(reverse("admin:training_enrolment_export"))
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][:3] == ("王芳", number, course.name)


def test_reviewer_turns_a_signup_into_an_enrolment(reviewer, agency_a, org_a, client_for):
    course = make_course(agency_a, org_a, ends_on=TODAY + dt.timedelta(days=9))
    signup = make_signup("pre_job")
    url = reverse("admin:training_trainingsignup_enrol", args=[signup.pk])
    client = client_for(reviewer)
    assert course in client.get(url).context["form"].fields["course"].queryset
    response = client.post(url, {"course": course.pk})
    assert response.status_code == 302
    signup.refresh_from_db()
    assert signup.status == TrainingSignup.Status.ENROLLED
    assert signup.enrolment.course == course
    assert signup.enrolment.person == signup.person


def test_signup_enrol_into_a_full_course_shows_the_error(reviewer, agency_a, org_a, client_for):
    course = make_course(agency_a, org_a, capacity=1)
    services.enrol(actor=agency_a, course=course, id_number=factories.id_number(), name="王")
    signup = make_signup("pre_job")
    response = client_for(reviewer).post(
        reverse("admin:training_trainingsignup_enrol", args=[signup.pk]), {"course": course.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    signup.refresh_from_db()
    assert signup.status == TrainingSignup.Status.NEW
    assert course.enrolments.count() == 1


def test_official_cannot_enrol_a_signup(official, agency_a, org_a, client_for):
    course = make_course(agency_a, org_a)
    signup = make_signup("pre_job")
    response = client_for(official).post(
        reverse("admin:training_trainingsignup_enrol", args=[signup.pk]), {"course": course.pk}
    )
    assert response.status_code == 403
    assert not Enrolment.objects.exists()


def test_signup_list_shows_demand_by_kind_and_street(reviewer, client_for):
    streets = list(Street.objects.filter(active=True)[:2])
    make_signup("pre_job", street=streets[0])
    make_signup("pre_job", street=streets[1])
    make_signup("pre_job", "skill_up", street=streets[0])
    response = client_for(reviewer).get(reverse("admin:training_trainingsignup_changelist"))
    kinds = response.context["demand_kinds"]
    totals = dict(zip(kinds, response.context["demand_totals"], strict=True))
    assert totals[CourseKind.objects.get(code="pre_job").name] == 3
    assert totals[CourseKind.objects.get(code="skill_up").name] == 1
    rows = dict(response.context["demand_rows"])
    assert sum(rows[streets[0].name]) == 3


def test_agency_user_is_kept_out_of_the_training_admin(agency_a, client_for):
    response = client_for(agency_a).get(reverse("admin:training_course_changelist"))
    assert response.status_code == 302


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_admin_lists_query_counts_do_not_grow_with_enrolments(
    reviewer, agency_a, org_a, client_for
):
    client = client_for(reviewer)
    courses = reverse("admin:training_course_changelist")
    enrolments = reverse("admin:training_enrolment_changelist")
    _bulk_enrol(make_course(agency_a, org_a, capacity=2000), 10)
    small = (_queries(client, courses), _queries(client, enrolments))
    _bulk_enrol(make_course(agency_a, org_a, capacity=2000, name="大班"), 990)
    large = (_queries(client, courses), _queries(client, enrolments))
    assert small == large
