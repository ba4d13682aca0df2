"""Issue 11: the public application answers the same whatever is known about an ID number and
never changes an existing person's record; a name that differs from the record goes to staff as
a flag on the application, which cannot be approved while the names differ."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client

from kunqu_jiafu.people.models import Person
from tests import factories
from tests.vouchers import core_builders as b
from tests.vouchers.test_public_apply import URL, post_data
from vouchers.models import Application
from vouchers.services.applications import application_decide

pytestmark = pytest.mark.django_db

STRANGER = "李桂兰"  # the name typed on the form in every case
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def batch():
    return b.batch(count=10)


def _answer_for(state: str, number: str) -> tuple[int, str, bytes]:
    """The POST's answer and the page it leads to, for one state of what is known about the ID
    number; everything the case wrote (the application number included) is rolled back."""
    with transaction.atomic():
        if state == "same name":
            factories.make_person(STRANGER, number)
        elif state == "another name":
            factories.make_person("王建国", number)
        client = Client()
        posted = client.post(URL, post_data(id_number=number, name=STRANGER))
        page = client.get(posted["Location"]) if posted.status_code == 302 else posted
        application = Application.objects.get()  # the application was taken each time
        transaction.set_rollback(True)
    # A form's CSRF token is new on every page, whoever asks; a row's primary key comes from a
    # sequence that a rollback does not rewind (PostgreSQL).
    body = CSRF.sub(b"", posted.content + page.content)
    body = body.replace(f"a={application.pk}".encode(), b"a=<pk>")
    return posted.status_code, posted.get("Location", ""), body


def test_the_answer_is_byte_identical_whatever_is_known_about_the_id_number(batch):
    number = factories.id_number()
    answers = {
        state: _answer_for(state, number) for state in ("unknown", "same name", "another name")
    }
    assert answers["unknown"][0] == 302
    assert answers["unknown"] == answers["same name"] == answers["another name"]
    assert STRANGER.encode() in answers["another name"][2]  # the name given, not the record's
    assert "王建国".encode() not in answers["another name"][2]


@pytest.fixture
def flagged(batch) -> Application:
    person = factories.make_person("王建国")
    Person.objects.filter(pk=person.pk).update(phone="13900000001")
    Client().post(URL, post_data(id_number=person.id_number, name=STRANGER, phone="13947201234"))
    return Application.objects.select_related("person").get()


def test_a_name_that_differs_is_taken_flagged_and_the_record_is_left_unchanged(flagged):
    assert flagged.name_differs and flagged.name_given == STRANGER
    assert flagged.phone == "13947201234"
    person = Person.objects.get(pk=flagged.person_id)
    assert (person.name, person.phone) == ("王建国", "13900000001")


def test_a_same_name_application_does_not_overwrite_the_phone_on_record(batch):
    person = factories.make_person(STRANGER)
    Person.objects.filter(pk=person.pk).update(phone="13900000001")
    Client().post(URL, post_data(id_number=person.id_number, name=STRANGER, phone="13947201234"))
    application = Application.objects.get()
    assert not application.name_differs and application.phone == "13947201234"
    assert Person.objects.get(pk=person.pk).phone == "13900000001"


def test_staff_see_the_flag_and_can_list_flagged_applications(flagged, reviewer, client_for):
    client = client_for(reviewer)
    listing = client.get("/admin/vouchers/application/").content.decode()
    assert f"⚠ {STRANGER}" in listing
    only_flagged = client.get("/admin/vouchers/application/?name_differs__exact=1")
    assert list(only_flagged.context["cl"].result_list) == [flagged]
    assert (
        not client.get("/admin/vouchers/application/?name_differs__exact=0")
        .context["cl"]
        .result_list
    )
    page = client.get(f"/admin/vouchers/application/{flagged.pk}/change/").content.decode()
    assert STRANGER in page and "王建国" in page


def test_a_flagged_application_cannot_be_approved_but_can_be_rejected(flagged, reviewer):
    with pytest.raises(ValidationError) as caught:
        application_decide(actor=reviewer, application=flagged, approve=True)
    assert STRANGER in caught.value.messages[0] and "王建国" in caught.value.messages[0]
    flagged.refresh_from_db()
    assert flagged.status == Application.Status.SUBMITTED
    application_decide(actor=reviewer, application=flagged, approve=False, reason="身份待核实")
    flagged.refresh_from_db()
    assert flagged.status == Application.Status.REJECTED


def test_a_counter_application_keeps_the_precise_message(batch, reviewer):
    person = factories.make_person("王建国")
    with pytest.raises(ValidationError) as caught:
        b.apply(batch, reviewer, id_number=person.id_number, name=STRANGER)
    assert "王建国" in caught.value.messages[0]
    assert not Application.objects.exists()
