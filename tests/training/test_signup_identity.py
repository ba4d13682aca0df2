"""Issue 11: the public sign-up answers the same whatever is known about an ID number, and never
changes an existing person's record; a name that differs from the record goes to staff as a flag
on the sign-up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kunqu_jiafu.people.models import Person
from tests import factories
from tests.training.test_portal_courses import make_course
from tests.training.test_signup_public import URL, signup_post
from training import services
from training.models import TrainingSignup

TODAY = timezone.localdate()
STRANGER = "刘秀英"  # the name typed on the form in every case


def _answer_for(state: str, number: str) -> tuple[int, str, bytes]:
    """The POST's answer and the page it leads to, for one state of what is known about the ID
    number; everything the case wrote is rolled back afterwards."""
    with transaction.atomic():
        if state == "same name":
            factories.make_person(STRANGER, number)
        elif state == "another name":
            factories.make_person("王建国", number)
        client = Client()
        posted = client.post(URL, signup_post(id_number=number, name=STRANGER))
        page = client.get(posted["Location"]) if posted.status_code == 302 else posted
        answer = (posted.status_code, posted.get("Location", ""), posted.content + page.content)
        assert TrainingSignup.objects.count() == 1, state  # the sign-up was taken each time
        transaction.set_rollback(True)
    return answer


def test_the_answer_is_byte_identical_whatever_is_known_about_the_id_number(db):
    number = factories.id_number()
    answers = {
        state: _answer_for(state, number) for state in ("unknown", "same name", "another name")
    }
    assert answers["unknown"][0] == 302
    assert answers["unknown"] == answers["same name"] == answers["another name"]
    assert "王建国".encode() not in answers["another name"][2]


@pytest.fixture
def flagged(db) -> TrainingSignup:
    person = factories.make_person("王建国")
    Person.objects.filter(pk=person.pk).update(phone="13900000001")
    Client().post(URL, signup_post(id_number=person.id_number, name=STRANGER, phone="13912345678"))
    return TrainingSignup.objects.select_related("person").get()


def test_a_name_that_differs_is_taken_flagged_and_the_record_is_left_unchanged(flagged):
    assert flagged.name_differs and flagged.name_given == STRANGER
    assert flagged.phone == "13912345678"  # the sign-up keeps what was given
    person = Person.objects.get(pk=flagged.person_id)
    assert (person.name, person.phone) == ("王建国", "13900000001")


def test_a_matching_name_is_not_flagged(db):
    person = factories.make_person(STRANGER)
    Client().post(URL, signup_post(id_number=person.id_number, name=STRANGER))
    signup = TrainingSignup.objects.get()
    assert not signup.name_differs and signup.name_given == STRANGER


def test_staff_see_the_flag_and_can_list_flagged_sign_ups(flagged, reviewer, client_for):
    client = client_for(reviewer)
    listing = client.get("/admin/training/trainingsignup/").content.decode()
    assert f"⚠ {STRANGER}" in listing
    only_flagged = client.get("/admin/training/trainingsignup/?name_differs__exact=1")
    assert list(only_flagged.context["cl"].result_list) == [flagged]
    unflagged = client.get("/admin/training/trainingsignup/?name_differs__exact=0")
    assert list(unflagged.context["cl"].result_list) == []
    page = client.get(f"/admin/training/trainingsignup/{flagged.pk}/change/").content.decode()
    assert STRANGER in page and "王建国" in page


def test_a_flagged_sign_up_cannot_be_enrolled_while_the_names_differ(
    flagged, reviewer, agency_a, org_a, client_for
):
    course = make_course(agency_a, org_a, ends_on=TODAY + dt.timedelta(days=9))
    with pytest.raises(ValidationError) as caught:
        services.signup_enrol(actor=reviewer, signup=flagged, course=course)
    assert STRANGER in caught.value.messages[0] and "王建国" in caught.value.messages[0]
    response = client_for(reviewer).post(
        reverse("admin:training_trainingsignup_enrol", args=[flagged.pk]), {"course": course.pk}
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    flagged.refresh_from_db()
    assert flagged.status == TrainingSignup.Status.NEW and flagged.enrolment is None
    assert not course.enrolments.exists()
