"""The public training sign-up at /training/signup/ (no account)."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext

from agencies.models import Street
from kunqu_jiafu.audit.models import AuditEntry
from tests import factories
from training.models import CourseKind, TrainingSignup

URL = "/training/signup/"


def signup_post(**overrides) -> dict:
    data = {
        "name": "刘秀英",
        "id_number": factories.id_number(),
        "phone": "13912345678",
        "street": Street.objects.filter(active=True).first().pk,
        "kinds": [CourseKind.objects.get(code="pre_job").pk],
        "note": "希望周末上课",
        "consent": "on",
    }
    data.update(overrides)
    return data


def test_signup_page_is_public_and_lists_the_kinds(db, client):
    response = client.get(URL)
    assert response.status_code == 200
    assert reverse("training_signup:signup") == URL
    html = response.content.decode()
    assert CourseKind.objects.get(code="pre_job").name in html


def test_a_resident_signs_up_without_an_account(db, client):
    data = signup_post()
    response = client.post(URL, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("training_signup:thanks")
    signup = TrainingSignup.objects.get()
    assert signup.person.name == "刘秀英"
    assert signup.person.id_number == data["id_number"]
    assert [k.code for k in signup.kinds.all()] == ["pre_job"]
    assert signup.status == TrainingSignup.Status.NEW
    assert AuditEntry.objects.filter(action="training.signup.created").count() == 1
    assert client.get(response["Location"]).status_code == 200


def test_a_bad_id_number_is_refused_with_a_message_and_nothing_saved(db, client):
    number = factories.id_number()
    wrong = number[:-1] + ("1" if number[-1] != "1" else "2")
    response = client.post(URL, signup_post(id_number=wrong))
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"]
    assert not TrainingSignup.objects.exists()


def test_signing_up_with_no_kind_ticked_asks_for_one(db, client):
    response = client.post(URL, signup_post(kinds=[]))
    assert response.status_code == 200
    assert response.context["form"].errors["kinds"] == [
        gettext("Tick at least one kind of training.")
    ]
    assert gettext("Tick at least one kind of training.") in response.content.decode()
    assert not TrainingSignup.objects.exists()


def test_an_empty_form_names_every_missing_field(db, client):
    response = client.post(URL, {})
    errors = response.context["form"].errors
    assert set(errors) == {"name", "id_number", "phone", "street", "kinds", "consent"}
    assert not TrainingSignup.objects.exists()


def test_a_second_open_signup_gets_the_first_answer_and_writes_no_second_row(db, client):
    """Issue 9: "a repeat sign-up does not reveal that the ID signed up before"."""
    number = factories.id_number()
    first = client.post(URL, signup_post(id_number=number))
    again = client.post(URL, signup_post(id_number=number, phone="13800000000", note="再报"))
    assert again.status_code == first.status_code == 302
    assert again["Location"] == first["Location"] == reverse("training_signup:thanks")
    signup = TrainingSignup.objects.get()  # no duplicate row
    assert signup.phone == "13912345678" and signup.note == "希望周末上课"  # nothing changed
    assert AuditEntry.objects.filter(action="training.signup.created").count() == 1


def test_a_public_signup_does_not_overwrite_the_phone_on_record(db, client):
    number = factories.id_number()
    client.post(URL, signup_post(id_number=number))
    signup = TrainingSignup.objects.get()
    signup.status = TrainingSignup.Status.CLOSED
    signup.save()
    client.post(URL, signup_post(id_number=number, phone="13800000000"))
    second = TrainingSignup.objects.get(status=TrainingSignup.Status.NEW)
    assert second.phone == "13800000000"  # the new sign-up keeps the number given
    assert second.person.phone == "13912345678"  # the person's record is not rewritten


def test_signing_up_without_consent_is_refused_with_a_chinese_message(db, client):
    data = signup_post()
    del data["consent"]
    response = client.post(URL, data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert "consent" in response.context["form"].errors
    assert "同意" in response.content.decode()
    assert not TrainingSignup.objects.exists()


def test_manager_training_is_not_offered_to_the_public(db, client):
    manager = CourseKind.objects.filter(is_manager_training=True).first()
    response = client.post(URL, signup_post(kinds=[manager.pk]))
    assert "kinds" in response.context["form"].errors
    assert not TrainingSignup.objects.exists()


def test_a_bad_id_number_and_no_kinds_are_reported_together(db, client):
    response = client.post(URL, signup_post(id_number="15020319850315001", kinds=[]))
    errors = response.context["form"].errors
    assert set(errors) == {"id_number", "kinds"}
    assert not TrainingSignup.objects.exists()


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (row locks and concurrent transactions)",
)
def test_two_simultaneous_sign_ups_of_one_person_make_one_row(transactional_db, monkeypatch):
    from kunqu_jiafu.people.models import Person
    from tests.concurrency import outcomes, run_together, slowed
    from training import services

    person = factories.make_person("并发报名")
    # A phone on record, so no write to the person row serialises the two by accident.
    Person.objects.filter(pk=person.pk).update(phone="13900000009")
    slowed(monkeypatch, services, "person_for_public_form")  # both pass it before either locks
    street = Street.objects.filter(active=True).first()
    kind = CourseKind.objects.get(code="pre_job")

    def sign_up():
        return services.signup_create(
            id_number=person.id_number,
            name=person.name,
            phone="13912345678",
            street=street,
            kinds=[kind],
        )

    oks, errors = outcomes(run_together(sign_up, sign_up))
    assert not errors and len(oks) == 2
    assert TrainingSignup.objects.filter(person=person).count() == 1
    assert oks[0].pk == oks[1].pk  # both answered with the one sign-up
