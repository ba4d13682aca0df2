"""People: ID numbers encrypted at rest, found by blind index, masked for most roles."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ValidationError
from django.db import connection

from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.people import crypto
from kunqu_jiafu.people.models import Person
from kunqu_jiafu.people.services import person_get_or_create
from tests.factories import id_number


@pytest.fixture
def fresh_cipher():
    crypto._cipher.cache_clear()
    yield
    crypto._cipher.cache_clear()


def _raw_columns(person: Person) -> tuple[str, str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_encrypted, id_hash, id_masked FROM people_person WHERE id = %s", [person.pk]
        )
        return cursor.fetchone()


def test_id_number_is_not_stored_in_clear(db):
    number = id_number(birth="19800101")
    person = person_get_or_create(id_number=number, name="王芳")
    encrypted, blind, masked = _raw_columns(person)
    for column in (encrypted, blind, masked):
        assert number not in column
        assert number[6:14] not in column  # not even the birth date part
    assert Person.objects.get(pk=person.pk).id_number == number


def test_blind_index_finds_the_person_from_unnormalised_input(db):
    number = "11010519491231002X"
    person = person_get_or_create(id_number=number, name="李明")
    assert Person.objects.by_id_number(" 110105 19491231 002x ").get() == person
    assert not Person.objects.by_id_number(id_number()).exists()


def test_birth_date_and_sex_are_derived_from_the_number(db):
    person = person_get_or_create(id_number=id_number(birth="19700228", sex="M"), name="刘强")
    assert person.birth_date == dt.date(1970, 2, 28)
    assert person.sex == Person.Sex.MALE


def test_masked_form_shows_only_the_last_four(db):
    # DOMAIN.md: "Show only the last four characters (`**************123X`)".
    number = "11010519491231002X"
    person = person_get_or_create(id_number=number, name="李明")
    assert person.id_masked == "**************002X"
    assert str(person) == "李明（**************002X）"


def test_reviewer_and_approver_see_the_full_number(db, reviewer, approver):
    number = id_number()
    person = person_get_or_create(id_number=number, name="王芳")
    assert person.id_for(reviewer) == number
    assert person.id_for(approver) == number


def test_official_agency_user_and_anonymous_see_it_masked(db, official, agency_a, anonymous):
    number = id_number()
    person = person_get_or_create(id_number=number, name="王芳")
    for user in (official, agency_a, anonymous):
        assert person.id_for(user) == person.id_masked
        assert person.id_for(user) != number


def test_get_or_create_reuses_the_same_person(db, reviewer):
    number = id_number()
    first = person_get_or_create(id_number=number, name="王芳", actor=reviewer)
    again = person_get_or_create(id_number=number.lower() + " ", name=" 王芳 ", actor=reviewer)
    assert again.pk == first.pk
    assert Person.objects.count() == 1
    assert AuditEntry.objects.filter(action="people.person.created").count() == 1


def test_get_or_create_refuses_a_different_name_for_the_same_id(db, reviewer, agency_a):
    number = id_number()
    person_get_or_create(id_number=number, name="王芳")
    with pytest.raises(ValidationError) as excinfo:
        person_get_or_create(id_number=number, name="王芬", actor=reviewer)
    assert "name" in excinfo.value.message_dict
    assert "王芳" in excinfo.value.message_dict["name"][0]
    # A resident's public page (no actor) or an agency is not told whose number it is.
    for actor in (None, agency_a):
        with pytest.raises(ValidationError) as excinfo:
            person_get_or_create(id_number=number, name="王芬", actor=actor)
        assert "name" in excinfo.value.message_dict
        assert "王芳" not in excinfo.value.message_dict["name"][0]
    assert Person.objects.get().name == "王芳"


def test_get_or_create_refuses_an_empty_name_and_a_bad_number(db):
    with pytest.raises(ValidationError) as excinfo:
        person_get_or_create(id_number=id_number(), name="  ")
    assert "name" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        person_get_or_create(id_number="15020319850230123X", name="王芳")
    assert not Person.objects.exists()


def test_old_ciphertexts_still_decrypt_after_key_rotation(db, settings, fresh_cipher):
    old_key = Fernet.generate_key().decode()
    new_key = Fernet.generate_key().decode()
    settings.PERSON_ID_KEYS = [old_key]
    crypto._cipher.cache_clear()
    number = id_number()
    person = person_get_or_create(id_number=number, name="王芳")
    old_token = _raw_columns(person)[0]

    settings.PERSON_ID_KEYS = [new_key, old_key]
    crypto._cipher.cache_clear()
    assert Person.objects.get(pk=person.pk).id_number == number
    # New records are encrypted with the new key only.
    other = person_get_or_create(id_number=id_number(), name="李明")
    new_token = _raw_columns(other)[0]
    assert Fernet(new_key.encode()).decrypt(new_token.encode())
    assert Fernet(old_key.encode()).decrypt(old_token.encode()).decode() == number
    # Lookup does not depend on the encryption key.
    assert Person.objects.by_id_number(number).get().pk == person.pk

    settings.PERSON_ID_KEYS = [new_key]
    crypto._cipher.cache_clear()
    from cryptography.fernet import InvalidToken

    with pytest.raises(InvalidToken):
        Person.objects.get(pk=person.pk).id_number  # noqa: B018


def _lose_the_race(monkeypatch, person: Person) -> None:
    """Make the first lookup miss, as if the other request had not committed yet."""
    from kunqu_jiafu.people.models import PersonQuerySet

    original = PersonQuerySet.by_id_number
    calls = {"n": 0}

    def by_id_number(self, value):
        calls["n"] += 1
        if calls["n"] == 1:
            return self.none()
        return original(self, value)

    monkeypatch.setattr(PersonQuerySet, "by_id_number", by_id_number)


def test_concurrently_created_person_is_reused(db, monkeypatch):
    number = id_number()
    theirs = person_get_or_create(id_number=number, name="王芳")
    _lose_the_race(monkeypatch, theirs)
    assert person_get_or_create(id_number=number, name="王芳").pk == theirs.pk
    assert Person.objects.count() == 1


def test_concurrently_created_person_with_another_name_is_refused(db, monkeypatch):
    number = id_number()
    theirs = person_get_or_create(id_number=number, name="王芳")
    _lose_the_race(monkeypatch, theirs)
    with pytest.raises(ValidationError) as excinfo:
        person_get_or_create(id_number=number, name="王芬")
    assert "name" in excinfo.value.message_dict
    assert Person.objects.get().name == "王芳"
