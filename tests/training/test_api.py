"""The training API: scoping (404 outside one's own provider), writes through the services,
officials read-only, the progress figures for staff and officials only."""

from __future__ import annotations

import datetime as dt

import pytest

from kunqu_jiafu.audit.models import AuditEntry
from tests import factories
from training import services
from training.models import Course, CourseKind, Enrolment

DONE = dt.date(2026, 3, 20)


def _course(actor, provider, name="2026年第一期家政服务员培训", **extra):
    data = {
        "name": name,
        "kind": CourseKind.objects.get(code="pre_job"),
        "starts_on": dt.date(2026, 3, 1),
        "ends_on": DONE,
        "class_hours": 40,
        "capacity": 3,
        "policy_year": 2026,
    } | extra
    return services.course_create(actor=actor, provider=provider, data=data)


def _enrolment(actor, course, name="王芳", number=None):
    return services.enrol(
        actor=actor, course=course, id_number=number or factories.id_number(), name=name
    )


def _course_body(**extra) -> dict:
    return {
        "name": "2026年育婴员培训",
        "kind": CourseKind.objects.get(code="pre_job").pk,
        "starts_on": "2026-05-01",
        "ends_on": "2026-05-20",
        "class_hours": 60,
        "capacity": 30,
        "policy_year": 2026,
    } | extra


# --- courses --------------------------------------------------------------------------


def test_anonymous_gets_401_or_403_everywhere(anonymous_client):
    for url in ("/api/courses/", "/api/enrolments/", "/api/training-progress/"):
        assert anonymous_client.get(url).status_code in (401, 403)


@pytest.fixture
def anonymous_client(db, client_for):
    return client_for(None)


def test_an_agency_lists_only_its_own_courses_and_gets_404_for_anothers(
    agency_a, org_a, agency_b, org_b, client_for
):
    ours = _course(agency_a, org_a)
    theirs = _course(agency_b, org_b, "乙机构培训班")
    client = client_for(agency_a)
    rows = client.get("/api/courses/").json()["results"]
    assert [r["id"] for r in rows] == [ours.pk]
    assert rows[0]["provider_name"] == org_a.name and rows[0]["kind_name"]
    assert client.get(f"/api/courses/{theirs.pk}/").status_code == 404
    assert (
        client.patch(
            f"/api/courses/{theirs.pk}/", {"capacity": 9}, content_type="application/json"
        ).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.capacity == 3


@pytest.mark.parametrize("actor", ["reviewer", "approver", "official"])
def test_staff_and_officials_see_every_course(
    actor, request, agency_a, org_a, agency_b, org_b, client_for
):
    _course(agency_a, org_a)
    _course(agency_b, org_b, "乙机构培训班")
    rows = client_for(request.getfixturevalue(actor)).get("/api/courses/").json()
    assert rows["count"] == 2


def test_course_filters_narrow_by_kind_provider_status_and_year(
    agency_a, org_a, agency_b, org_b, reviewer, client_for
):
    a = _course(agency_a, org_a)
    b = _course(
        agency_b, org_b, "乙机构技能提升班", kind=CourseKind.objects.exclude(code="pre_job").first()
    )
    services.course_update(actor=agency_b, course=b, data={"status": "enrolling"})
    c = _course(
        agency_a,
        org_a,
        "2025年班",
        starts_on=dt.date(2025, 3, 1),
        ends_on=dt.date(2025, 3, 2),
        policy_year=2025,
    )
    client = client_for(reviewer)

    def ids(query):
        return {r["id"] for r in client.get(f"/api/courses/?{query}").json()["results"]}

    assert ids(f"provider={org_b.pk}") == {b.pk}
    assert ids(f"kind={a.kind_id}") == {a.pk, c.pk}
    assert ids("status=enrolling") == {b.pk}
    assert ids("year=2025") == {c.pk}


def test_a_provider_plans_a_course_for_itself(agency_a, org_a, client_for):
    response = client_for(agency_a).post(
        "/api/courses/", _course_body(), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    course = Course.objects.get(pk=response.json()["id"])
    assert course.provider == org_a
    # The standard is the bureau's for the course kind, shown but not set by the provider.
    assert response.json()["subsidy_standard"] == str(course.kind.subsidy_standard)
    assert response.json()["enrolled"] == 0
    assert AuditEntry.objects.filter(action="training.course.created").count() == 1


def test_staff_must_name_the_provider_and_may_plan_for_any(reviewer, org_b, client_for):
    client = client_for(reviewer)
    missing = client.post("/api/courses/", _course_body(), content_type="application/json")
    assert missing.status_code == 400 and "provider" in missing.json()
    made = client.post(
        "/api/courses/", _course_body(provider=org_b.pk), content_type="application/json"
    )
    assert made.status_code == 201
    assert Course.objects.get(pk=made.json()["id"]).provider == org_b


def test_an_agency_cannot_plan_for_another_provider(agency_a, org_b, client_for):
    response = client_for(agency_a).post(
        "/api/courses/", _course_body(provider=org_b.pk), content_type="application/json"
    )
    assert response.status_code == 400 and "provider" in response.json()
    assert not Course.objects.exists()


def test_officials_read_only(official, agency_a, org_a, client_for):
    course = _course(agency_a, org_a)
    enrolment = _enrolment(agency_a, course)
    client = client_for(official)
    assert (
        client.post(
            "/api/courses/", _course_body(provider=org_a.pk), content_type="application/json"
        ).status_code
        == 403
    )
    assert (
        client.patch(
            f"/api/courses/{course.pk}/", {"capacity": 9}, content_type="application/json"
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/api/enrolments/",
            {"course": course.pk, "id_number": factories.id_number(), "name": "李娜"},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert (
        client.patch(
            f"/api/enrolments/{enrolment.pk}/", {"completed": True}, content_type="application/json"
        ).status_code
        == 403
    )
    assert Course.objects.count() == 1 and Enrolment.objects.count() == 1
    enrolment.refresh_from_db()
    assert not enrolment.completed


def test_bad_course_input_is_400_naming_the_field(agency_a, org_a, client_for):
    course = _course(agency_a, org_a)
    _enrolment(agency_a, course, "王芳")
    _enrolment(agency_a, course, "李娜")
    client = client_for(agency_a)
    bad = client.post(
        "/api/courses/",
        _course_body(starts_on="2026-05-20", ends_on="2026-05-01"),
        content_type="application/json",
    )
    assert bad.status_code == 400 and "ends_on" in bad.json()
    shrink = client.patch(
        f"/api/courses/{course.pk}/", {"capacity": 1}, content_type="application/json"
    )
    assert shrink.status_code == 400 and "capacity" in shrink.json()
    moved = client.patch(
        f"/api/courses/{course.pk}/", {"provider": 1}, content_type="application/json"
    )
    assert moved.status_code == 400 and "provider" in moved.json()
    ok = client.patch(
        f"/api/courses/{course.pk}/", {"status": "enrolling"}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["status"] == "enrolling"
    assert ok.json()["enrolled"] == 2


def test_a_cancelled_course_is_403_to_its_provider(agency_a, org_a, client_for):
    course = _course(agency_a, org_a)
    services.course_update(actor=agency_a, course=course, data={"status": "cancelled"})
    response = client_for(agency_a).patch(
        f"/api/courses/{course.pk}/", {"capacity": 9}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["detail"]


# --- enrolments -----------------------------------------------------------------------


def test_enrolment_list_is_scoped_and_masks_id_numbers_for_agencies(
    agency_a, org_a, agency_b, org_b, reviewer, client_for
):
    number = factories.id_number()
    ours = _enrolment(agency_a, _course(agency_a, org_a), number=number)
    theirs = _enrolment(agency_b, _course(agency_b, org_b, "乙机构培训班"))
    client = client_for(agency_a)
    rows = client.get("/api/enrolments/").json()["results"]
    assert [r["id"] for r in rows] == [ours.pk]
    assert rows[0]["id_number"] != number and "*" in rows[0]["id_number"]
    assert client.get(f"/api/enrolments/{theirs.pk}/").status_code == 404
    staff_rows = client_for(reviewer).get("/api/enrolments/").json()["results"]
    assert {r["id"] for r in staff_rows} == {ours.pk, theirs.pk}
    assert number in {r["id_number"] for r in staff_rows}


def test_enrol_through_the_api_and_refuse_duplicate_full_and_foreign(
    agency_a, org_a, agency_b, org_b, client_for
):
    course = _course(agency_a, org_a, capacity=1)
    theirs = _course(agency_b, org_b, "乙机构培训班")
    client = client_for(agency_a)
    number = factories.id_number()
    body = {"course": course.pk, "id_number": number, "name": "王芳", "is_unemployed": True}
    made = client.post("/api/enrolments/", body, content_type="application/json")
    assert made.status_code == 201, made.content
    assert Enrolment.objects.get(pk=made.json()["id"]).person.is_unemployed
    again = client.post("/api/enrolments/", body, content_type="application/json")
    assert again.status_code == 400 and "id_number" in again.json()
    full = client.post(
        "/api/enrolments/",
        {"course": course.pk, "id_number": factories.id_number(), "name": "李娜"},
        content_type="application/json",
    )
    assert full.status_code == 400 and "non_field_errors" in full.json()
    foreign = client.post(
        "/api/enrolments/",
        {"course": theirs.pk, "id_number": factories.id_number(), "name": "李娜"},
        content_type="application/json",
    )
    assert foreign.status_code == 400 and "course" in foreign.json()
    bad_id = client.post(
        "/api/enrolments/",
        {"course": theirs.pk, "id_number": "150203", "name": "李娜"},
        content_type="application/json",
    )
    assert bad_id.status_code == 400
    assert Enrolment.objects.count() == 1


def test_record_completion_exam_and_certificate_through_the_api(agency_a, org_a, client_for):
    course = _course(agency_a, org_a)
    enrolment = _enrolment(agency_a, course)
    client = client_for(agency_a)
    url = f"/api/enrolments/{enrolment.pk}/"
    bad = client.patch(
        url, {"certificate_number": "JD-1", "exam": "failed"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "certificate_number" in bad.json()
    too_many = client.patch(url, {"attended_hours": 41}, content_type="application/json")
    assert too_many.status_code == 400 and "attended_hours" in too_many.json()
    ok = client.patch(
        url,
        {
            "attended_hours": 40,
            "completed": True,
            "completed_on": "2026-03-20",
            "exam": "passed",
            "certificate_number": " JD-1 ",
            "skill_level": "五级",
        },
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.content
    enrolment.refresh_from_db()
    assert enrolment.completed and enrolment.certificate_number == "JD-1"
    moved = client.patch(url, {"course": course.pk}, content_type="application/json")
    assert moved.status_code == 400 and "course" in moved.json()


def test_enrolment_filters_by_course_completed_and_exam(agency_a, org_a, client_for):
    first = _course(agency_a, org_a)
    second = _course(agency_a, org_a, "第二期")
    done = _enrolment(agency_a, first, "王芳")
    services.enrolment_record(
        actor=agency_a,
        enrolment=done,
        data={"completed": True, "completed_on": DONE, "exam": "passed"},
    )
    open_ = _enrolment(agency_a, second, "李娜")
    client = client_for(agency_a)

    def ids(query):
        return {r["id"] for r in client.get(f"/api/enrolments/?{query}").json()["results"]}

    assert ids(f"course={second.pk}") == {open_.pk}
    assert ids("completed=true") == {done.pk}
    assert ids("completed=false") == {open_.pk}
    assert ids("exam=passed") == {done.pk}


# --- progress -------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["reviewer", "approver", "official"])
def test_staff_and_officials_read_the_progress_against_the_target(
    actor, request, agency_a, org_a, client_for
):
    course = _course(agency_a, org_a)
    enrolment = _enrolment(agency_a, course)
    services.enrolment_record(
        actor=agency_a, enrolment=enrolment, data={"completed": True, "completed_on": DONE}
    )
    body = client_for(request.getfixturevalue(actor)).get("/api/training-progress/?year=2026")
    assert body.status_code == 200
    figures = body.json()
    assert figures["year"] == 2026 and figures["target"] == 2000 and figures["trained"] == 1
    assert figures["by_month"] == [{"month": 3, "people": 1}]
    assert figures["by_kind"][0]["people"] == 1


def test_agencies_may_not_read_the_district_progress(agency_a, client_for):
    assert client_for(agency_a).get("/api/training-progress/").status_code == 403


def test_a_bad_year_is_400(reviewer, client_for):
    response = client_for(reviewer).get("/api/training-progress/?year=abc")
    assert response.status_code == 400 and "year" in response.json()


def test_a_provider_cannot_set_a_courses_subsidy_standard(client_for, agency_a, org_a):
    """A course's subsidy standard comes from its course kind, set by the bureau."""
    response = client_for(agency_a).post(
        "/api/courses/",
        _course_body(subsidy_standard="9999.00"),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "subsidy_standard" in str(response.json())
    assert not Course.objects.filter(provider=org_a).exists()
