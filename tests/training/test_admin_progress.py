"""The training progress panel on the staff work desk."""

import re

from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.training.test_portal_courses import make_course
from training import services
from training.models import CourseKind, Enrolment, TrainingTarget

YEAR = timezone.localdate().year


def _complete(actor, course, number, name, certificate=""):
    e = services.enrol(actor=actor, course=course, id_number=number, name=name)
    data = {"completed": True, "completed_on": course.ends_on}
    if certificate:
        data |= {"exam": "passed", "certificate_number": certificate}
    return services.enrolment_record(actor=actor, enrolment=e, data=data)


def _panel(response):
    return next(p for p in response.context["dashboard_panels"] if "training" in p)["training"]


def test_progress_panel_figures_equal_the_records(reviewer, agency_a, org_a, client_for):
    TrainingTarget.objects.update_or_create(year=YEAR, defaults={"people": 50})
    first = make_course(agency_a, org_a, name="岗前一期")
    second = make_course(
        agency_a, org_a, name="技能提升", kind=CourseKind.objects.get(code="skill_up")
    )
    managers = make_course(
        agency_a, org_a, name="经理人班", kind=CourseKind.objects.get(is_manager_training=True)
    )
    twice = factories.id_number()
    _complete(agency_a, first, twice, "王芳", certificate="C-1")
    _complete(agency_a, second, twice, "王芳")  # the same person twice counts once
    _complete(agency_a, first, factories.id_number(), "李娜")
    _complete(agency_a, managers, factories.id_number(), "赵经理")
    services.enrol(actor=agency_a, course=first, id_number=factories.id_number(), name="未结业")

    response = client_for(reviewer).get(reverse("admin:index"))
    t = _panel(response)

    done = Enrolment.objects.filter(completed=True, completed_on__year=YEAR)
    regular = done.filter(course__kind__is_manager_training=False)
    assert t["trained"] == regular.values("person").distinct().count() == 2
    assert t["managers"] == done.filter(course__kind__is_manager_training=True).count() == 1
    assert t["certificates"] == done.exclude(certificate_number="").count() == 1
    assert t["target"] == 50 and t["percent"] == 4.0
    html = response.content.decode()
    assert re.search(r'data-testid="training-trained">2<', html)
    assert re.search(r'data-testid="training-target">50<', html)
    assert 'aria-valuenow="2"' in html
    # the other panels are still there
    assert len(response.context["dashboard_panels"]) > 1


def test_official_sees_the_progress_panel(official, client_for):
    response = client_for(official).get(reverse("admin:index"))
    assert _panel(response)["trained"] == 0
