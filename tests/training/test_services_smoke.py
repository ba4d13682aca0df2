import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests import factories
from training import selectors, services
from training.models import CourseKind


def _course(actor, provider, **extra):
    data = {
        "name": "2026年第一期家政服务员培训",
        "kind": CourseKind.objects.get(code="pre_job"),
        "starts_on": dt.date(2026, 3, 1),
        "ends_on": dt.date(2026, 3, 20),
        "class_hours": 40,
        "capacity": 2,
        "policy_year": 2026,
    } | extra
    return services.course_create(actor=actor, provider=provider, data=data)


def test_enrol_complete_and_progress_counts_unique_people(agency_a, org_a):
    course = _course(agency_a, org_a)
    number = factories.id_number()
    enrolment = services.enrol(actor=agency_a, course=course, id_number=number, name="王芳")
    services.enrolment_record(
        actor=agency_a,
        enrolment=enrolment,
        data={"attended_hours": 40, "completed": True, "completed_on": dt.date(2026, 3, 20)},
    )
    figures = selectors.progress(2026)
    assert figures["trained"] == 1
    assert figures["target"] == 2000


def test_capacity_and_duplicate_enrolment_are_refused(agency_a, org_a):
    course = _course(agency_a, org_a, capacity=1)
    number = factories.id_number()
    services.enrol(actor=agency_a, course=course, id_number=number, name="王芳")
    with pytest.raises(ValidationError):
        services.enrol(actor=agency_a, course=course, id_number=number, name="王芳")
    with pytest.raises(ValidationError):
        services.enrol(actor=agency_a, course=course, id_number=factories.id_number(), name="李娜")
