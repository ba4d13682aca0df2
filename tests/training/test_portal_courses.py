"""The provider's training pages in the agency portal."""

import datetime as dt
import itertools
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import load_workbook

from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.people.idcard import mask
from kunqu_jiafu.people.models import Person
from tests import factories
from training import services
from training.models import Course, CourseKind, Enrolment

TODAY = timezone.localdate()


def make_course(actor, provider, **extra) -> Course:
    data = {
        "name": "家政服务员岗前培训第一期",
        "kind": CourseKind.objects.get(code="pre_job"),
        "starts_on": TODAY - dt.timedelta(days=20),
        "ends_on": TODAY - dt.timedelta(days=1),
        "class_hours": 40,
        "capacity": 30,
        "policy_year": TODAY.year,
    } | extra
    return services.course_create(actor=actor, provider=provider, data=data)


def plan_post(**overrides) -> dict:
    data = {
        "name": "养老护理员技能提升班",
        "kind": CourseKind.objects.get(code="pre_job").pk,
        "street": "",
        "starts_on": (TODAY - dt.timedelta(days=10)).isoformat(),
        "ends_on": (TODAY + dt.timedelta(days=10)).isoformat(),
        "class_hours": "56",
        "capacity": "40",
        "subsidy_standard": "800",
        "policy_year": str(TODAY.year),
    }
    data.update(overrides)
    return data


def test_provider_plans_a_course_through_the_portal(agency_a, org_a, client_for):
    client = client_for(agency_a)
    response = client.post(reverse("training:course_add"), plan_post())
    course = Course.objects.get(name="养老护理员技能提升班")
    assert response.status_code == 302
    assert response["Location"] == reverse("training:course", args=[course.pk])
    assert course.provider == org_a
    assert course.capacity == 40 and course.class_hours == 56
    assert AuditEntry.objects.filter(action="training.course.created").count() == 1


def test_planning_a_course_that_ends_before_it_starts_shows_the_error(agency_a, client_for):
    client = client_for(agency_a)
    response = client.post(
        reverse("training:course_add"),
        plan_post(ends_on=(TODAY - dt.timedelta(days=30)).isoformat()),
    )
    assert response.status_code == 200
    assert "ends_on" in response.context["form"].errors
    assert not Course.objects.exists()


def test_provider_enrols_a_trainee_and_records_completion(agency_a, org_a, client_for):
    course = make_course(agency_a, org_a)
    client = client_for(agency_a)
    number = factories.id_number()
    response = client.post(
        reverse("training:course_enrol", args=[course.pk]),
        {"name": "王芳", "id_number": number, "phone": "13900001111", "is_unemployed": "on"},
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(course=course)
    assert enrolment.person.name == "王芳" and enrolment.person.is_unemployed

    record_url = reverse("training:enrolment_record", args=[course.pk, enrolment.pk])
    response = client.post(
        record_url,
        {
            "attended_hours": "40",
            "completed": "on",
            "completed_on": course.ends_on.isoformat(),
            "exam": "passed",
            "certificate_number": "JZ2026000123",
            "skill_level": "五级",
            "certified_on": course.ends_on.isoformat(),
        },
    )
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.completed and enrolment.completed_on == course.ends_on
    assert enrolment.certificate_number == "JZ2026000123"

    page = client.get(reverse("training:course", args=[course.pk]))
    assert page.context["completed"] == 1
    assert "JZ2026000123" in page.content.decode()


def test_roster_shows_masked_id_numbers_to_the_provider(agency_a, org_a, client_for):
    course = make_course(agency_a, org_a)
    number = factories.id_number()
    services.enrol(actor=agency_a, course=course, id_number=number, name="王芳")
    html = client_for(agency_a).get(reverse("training:course", args=[course.pk])).content.decode()
    assert "王芳" in html
    assert number not in html
    assert mask(number) in html


def test_enrolling_beyond_capacity_shows_the_error_on_the_page(agency_a, org_a, client_for):
    course = make_course(agency_a, org_a, capacity=1)
    services.enrol(actor=agency_a, course=course, id_number=factories.id_number(), name="王芳")
    response = client_for(agency_a).post(
        reverse("training:course_enrol", args=[course.pk]),
        {"name": "李娜", "id_number": factories.id_number()},
    )
    assert response.status_code == 400
    full = gettext("The course is full (%(n)s places).") % {"n": 1}
    assert full in response.content.decode()
    assert course.enrolments.count() == 1


def test_enrolling_the_same_person_twice_shows_the_error_on_the_id_field(
    agency_a, org_a, client_for
):
    course = make_course(agency_a, org_a)
    number = factories.id_number()
    services.enrol(actor=agency_a, course=course, id_number=number, name="王芳")
    response = client_for(agency_a).post(
        reverse("training:course_enrol", args=[course.pk]), {"name": "王芳", "id_number": number}
    )
    assert response.status_code == 400
    assert response.context["enrol_form"].errors["id_number"] == [
        gettext("This person is already enrolled in the course.")
    ]
    assert course.enrolments.count() == 1


def test_a_bad_id_number_is_refused_with_a_message_on_the_field(agency_a, org_a, client_for):
    course = make_course(agency_a, org_a)
    number = factories.id_number()
    wrong_check = number[:-1] + ("1" if number[-1] != "1" else "2")
    response = client_for(agency_a).post(
        reverse("training:course_enrol", args=[course.pk]),
        {"name": "王芳", "id_number": wrong_check},
    )
    assert response.status_code == 400
    assert response.context["enrol_form"].errors["id_number"]
    assert not course.enrolments.exists()


def test_a_certificate_without_a_passed_exam_is_refused(agency_a, org_a, client_for):
    course = make_course(agency_a, org_a)
    enrolment = services.enrol(
        actor=agency_a, course=course, id_number=factories.id_number(), name="王芳"
    )
    response = client_for(agency_a).post(
        reverse("training:enrolment_record", args=[course.pk, enrolment.pk]),
        {"attended_hours": "40", "exam": "none", "certificate_number": "JZ1"},
    )
    assert response.status_code == 200
    assert "certificate_number" in response.context["form"].errors
    enrolment.refresh_from_db()
    assert enrolment.certificate_number == ""


@pytest.mark.parametrize(
    "name",
    ["training:course", "training:course_edit", "training:roster_export"],
)
def test_agency_b_gets_404_for_agency_a_course(name, agency_a, org_a, agency_b, client_for):
    course = make_course(agency_a, org_a)
    response = client_for(agency_b).get(reverse(name, args=[course.pk]))
    assert response.status_code == 404


def test_agency_b_cannot_enrol_into_or_record_on_agency_a_course(
    agency_a, org_a, agency_b, client_for
):
    course = make_course(agency_a, org_a)
    enrolment = services.enrol(
        actor=agency_a, course=course, id_number=factories.id_number(), name="王芳"
    )
    client = client_for(agency_b)
    enrol = client.post(
        reverse("training:course_enrol", args=[course.pk]),
        {"name": "李娜", "id_number": factories.id_number()},
    )
    record = client.post(
        reverse("training:enrolment_record", args=[course.pk, enrolment.pk]),
        {"attended_hours": "40", "completed": "on", "exam": "none"},
    )
    assert enrol.status_code == 404 and record.status_code == 404
    assert course.enrolments.count() == 1
    enrolment.refresh_from_db()
    assert not enrolment.completed


def test_course_list_shows_only_own_courses_with_counts(
    agency_a, org_a, agency_b, org_b, client_for
):
    mine = make_course(agency_a, org_a, name="甲的课程")
    make_course(agency_b, org_b, name="乙的课程")
    e = services.enrol(actor=agency_a, course=mine, id_number=factories.id_number(), name="王芳")
    services.enrolment_record(actor=agency_a, enrolment=e, data={"completed": True})
    services.enrol(actor=agency_a, course=mine, id_number=factories.id_number(), name="李娜")
    response = client_for(agency_a).get(reverse("training:courses"))
    courses = list(response.context["page"].object_list)
    assert [c.name for c in courses] == ["甲的课程"]
    assert (courses[0].enrolled, courses[0].completed_count) == (2, 1)
    assert "乙的课程" not in response.content.decode()


def test_course_list_filters_by_status(agency_a, org_a, client_for):
    make_course(agency_a, org_a, name="计划中", status=Course.Status.PLANNED)
    make_course(agency_a, org_a, name="已结束", status=Course.Status.FINISHED)
    response = client_for(agency_a).get(reverse("training:courses"), {"status": "finished"})
    assert [c.name for c in response.context["page"].object_list] == ["已结束"]


def test_roster_export_is_an_xlsx_of_the_course(agency_a, org_a, client_for):
    course = make_course(agency_a, org_a)
    number = factories.id_number()
    services.enrol(actor=agency_a, course=course, id_number=number, name="王芳")
    response = client_for(agency_a).get(reverse("training:roster_export", args=[course.pk]))
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][:2] == ("王芳", mask(number))


_bulk_courses = itertools.count()


def _bulk_enrol(course: Course, n: int) -> None:
    # Distinct ID numbers across calls without depending on database ids (PostgreSQL does
    # not reset sequences between tests): birth dates step by day, sequence by call.
    batch = next(_bulk_courses) % 400
    people = []
    for i in range(n):
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=i)
        person = Person(name=f"学员{i}")
        person.set_id_number(factories.id_number(birth=f"{birth:%Y%m%d}", seq=2 * batch + 2))
        people.append(person)
    Person.objects.bulk_create(people)
    Enrolment.objects.bulk_create(
        Enrolment(course=course, person=p, completed=i % 2 == 0, completed_on=course.ends_on)
        for i, p in enumerate(people)
    )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_course_list_and_roster_queries_do_not_grow_with_enrolments(agency_a, org_a, client_for):
    small = make_course(agency_a, org_a, name="小班", capacity=2000)
    large = make_course(agency_a, org_a, name="大班", capacity=2000)
    client = client_for(agency_a)
    _bulk_enrol(small, 10)
    list_small = _queries(client, reverse("training:courses"))
    roster_small = _queries(client, reverse("training:course", args=[small.pk]))
    _bulk_enrol(large, 1000)
    list_large = _queries(client, reverse("training:courses"))
    roster_large = _queries(client, reverse("training:course", args=[large.pk]))
    assert list_small == list_large
    assert roster_small == roster_large
