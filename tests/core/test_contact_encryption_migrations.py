"""people 0006, training 0007 and vouchers 0007 encrypt the phone numbers and addresses stored
before them (and drop the birth date and sex columns); rolled back, they give the plain text
back. Run through Django's migration executor on rows written by the old schema."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kunqu_jiafu.people import crypto
from kunqu_jiafu.people.fields import contact_index
from kunqu_jiafu.people.idcard import mask
from tests import factories

BEFORE = [
    ("people", "0005_mask_last_four_only"),
    ("training", "0006_signup_name_given"),
    ("vouchers", "0006_application_name_given"),
]
AFTER = [
    ("people", "0006_no_plain_birth_date_sex_phone"),
    ("training", "0007_signup_phone_encrypted"),
    ("vouchers", "0007_application_contact_encrypted"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_old_rows_are_encrypted_and_rolled_back_to_plain_text():
    old = _migrate(BEFORE)
    try:
        number = factories.id_number(birth="19660315", seq=77)
        Person = old.get_model("people", "Person")
        person = Person.objects.create(
            name="赵敏",
            id_encrypted=crypto.encrypt(number),
            id_hash=crypto.blind_index(number),
            id_masked=mask(number),
            birth_date="1966-03-15",
            sex="F",
            phone="13947201234",
        )
        Street = old.get_model("agencies", "Street")
        street = Street.objects.order_by("pk").first() or Street.objects.create(
            code="t1", name="测试街道"
        )
        Signup = old.get_model("training", "TrainingSignup")
        signup = Signup.objects.create(person=person, phone="13947205678", street=street)
        Batch = old.get_model("vouchers", "VoucherBatch")
        TargetGroup = old.get_model("vouchers", "TargetGroup")
        batch = Batch.objects.order_by("pk").first()
        group = TargetGroup.objects.order_by("pk").first()
        if batch is None or group is None:
            pytest.fail("the seed migrations give a batch and a target group")
        Application = old.get_model("vouchers", "Application")
        application = Application.objects.create(
            number="JQ2026-99999",
            person=person,
            phone="0472-1234567",
            address="昆区钢铁大街5号",
            street=street,
            target_group=group,
            batch=batch,
        )

        _migrate(AFTER)
        stored = _raw("people_person", "phone", person.pk)
        assert stored != "13947201234" and crypto.decrypt(stored) == "13947201234"
        stored = _raw("training_trainingsignup", "phone", signup.pk)
        assert crypto.decrypt(stored) == "13947205678"
        assert _raw("training_trainingsignup", "phone_index", signup.pk) == contact_index(
            "phone", "13947205678"
        )
        assert crypto.decrypt(_raw("vouchers_application", "address", application.pk)) == (
            "昆区钢铁大街5号"
        )
        assert crypto.decrypt(_raw("vouchers_application", "phone", application.pk)) == (
            "0472-1234567"
        )
        columns = {
            c.name
            for c in connection.introspection.get_table_description(
                connection.cursor(), "people_person"
            )
        }
        assert not columns & {"birth_date", "sex"}

        _migrate(BEFORE)
        assert _raw("people_person", "phone", person.pk) == "13947201234"
        assert _raw("vouchers_application", "address", application.pk) == "昆区钢铁大街5号"
        assert _raw("training_trainingsignup", "phone", signup.pk) == "13947205678"
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
