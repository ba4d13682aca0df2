"""Issue 11, "Full ID numbers can be rebuilt": with the database and without the keys, nobody gets
more of a resident's ID number than the mask (the last four characters), nor a resident's phone
number or address.

The attack: load the demo, read every column of every table as the database stores it, and look
for each demo person's birth digits (characters 7-14, in any spelling a date column or a text
may hold them), the number's first fourteen characters, and every resident's phone number and
address. Before this change the people table held the birth date beside the mask, and 129 of
129 demo people were rebuilt (FIELD-NOTES: "A masked ID plus a birth date is the ID")."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection

from kunqu_jiafu.people.idcard import mask
from kunqu_jiafu.people.models import Person
from tests import factories
from training.models import TrainingSignup
from vouchers.models import Application


def _every_stored_value():
    """(table, column, text) for every non-empty value in every table, as stored."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if value not in (None, "", b""):
                        yield table, column, _text(value)


def _text(value) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def _birth_spellings(number: str) -> tuple[str, ...]:
    born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    return (number[6:14], born.isoformat(), f"{born.year}年{born.month}月{born.day}日")


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.DEBUG = True  # the demo loads only in development
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("load_demo", stdout=StringIO())


def test_no_demo_id_number_phone_or_address_can_be_read_from_the_database_without_keys(demo):
    people = list(Person.objects.all())
    assert len(people) > 100
    numbers = [p.id_number for p in people]
    assert all(p.id_masked == mask(p.id_number) for p in people)
    phones = {p.phone for p in people if p.phone}
    phones |= {a.phone for a in Application.objects.all()}
    phones |= {s.phone for s in TrainingSignup.objects.all()}
    addresses = {a.address for a in Application.objects.all()}
    assert len(phones) > 50 and len(addresses) > 20
    rebuilt, readable = [], []
    for table, column, text in _every_stored_value():
        for number in numbers:
            if number[:14] in text or any(s in text for s in _birth_spellings(number)):
                rebuilt.append((table, column, number[-4:]))
        readable += [(table, column, secret) for secret in phones | addresses if secret in text]
    assert not rebuilt, rebuilt[:20]
    assert not readable, readable[:20]


def test_birth_date_sex_and_age_are_derived_from_the_encrypted_number(db):
    number = factories.id_number(birth="19731127", sex="M")
    person = factories.make_person("王强", number)
    person = Person.objects.get(pk=person.pk)
    assert person.birth_date == dt.date(1973, 11, 27)
    assert person.sex == Person.Sex.MALE and person.get_sex_display()
    assert person.age_on(dt.date(2026, 11, 26)) == 52
    assert person.age_on(dt.date(2026, 11, 27)) == 53
    assert {f.name for f in Person._meta.get_fields()}.isdisjoint({"birth_date", "sex"})


def test_an_encrypted_column_cannot_be_searched_by_value(db):
    # The ciphertext changes on each write: a lookup by value would silently find nothing,
    # so it fails loudly and staff search through the blind index instead.
    for lookup in ("phone", "phone__icontains", "phone__startswith"):
        with pytest.raises(FieldError):
            Person.objects.filter(**{lookup: "13947201234"}).exists()
    with pytest.raises(FieldError):
        Application.objects.filter(address__contains="钢铁大街").exists()
    assert not Person.objects.filter(phone="").exclude(phone__isnull=True).filter(pk=0).exists()
