"""One voucher per household (issue 9): "a household is the household head's ID number and
address; per-person or per-household is a batch setting" (DOMAIN.md, vouchers). Per household
(the default) the database holds one live application and one voucher per household key, a
blind index of the head's ID number and the normalised address; the public form asks for the
head when the applicant is not the head."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kunqu_jiafu.people import crypto
from kunqu_jiafu.people.household import household_key
from tests.vouchers import core_builders as b
from vouchers.models import Application, Voucher, VoucherBatch
from vouchers.services.applications import application_create, application_decide
from vouchers.services.issue import voucher_issue

pytestmark = pytest.mark.django_db

ADDRESS = "昆区少先路12号院3栋2单元501"


def _apply(batch, reviewer, id_number, *, head="", address=ADDRESS):
    return application_create(
        batch=batch,
        id_number=id_number,
        name="李桂兰",
        phone="13947201234",
        address=address,
        street=b.street(),
        target_group=b.group(),
        actor=reviewer,
        head_id_number=head,
    )


def test_a_new_batch_gives_one_voucher_per_household_by_default(reviewer):
    assert b.batch().one_per == VoucherBatch.OnePer.HOUSEHOLD


def test_a_second_member_of_the_household_is_refused_on_the_head_field(reviewer):
    batch = b.batch()
    head = b.household_id()
    first = _apply(batch, reviewer, head)  # the head applies for the household
    assert first.household_key == household_key(head, ADDRESS)
    with pytest.raises(ValidationError) as refused:
        # Another member, the address written with other spaces and a full-width digit.
        _apply(
            batch, reviewer, b.household_id(), head=head, address="昆区少先路 １2号院 3栋2单元501"
        )
    assert list(refused.value.message_dict) == ["head_id_number"]
    assert Application.objects.filter(batch=batch).count() == 1


def test_the_same_head_at_another_address_is_another_household(reviewer):
    batch = b.batch()
    head = b.household_id()
    _apply(batch, reviewer, b.household_id(), head=head)
    other = _apply(batch, reviewer, b.household_id(), head=head, address="昆区钢铁大街8号")
    assert other.head_id_encrypted and crypto.decrypt(other.head_id_encrypted) == head
    assert head not in other.head_id_encrypted  # kept encrypted, not in plain text


def test_a_per_person_batch_takes_every_member_and_asks_for_no_head(reviewer, client):
    batch = b.batch(one_per=VoucherBatch.OnePer.PERSON)
    head = b.household_id()
    one = _apply(batch, reviewer, head)
    two = _apply(batch, reviewer, b.household_id(), head=head)
    assert (one.household_key, two.household_key) == ("", "")


def test_a_bad_head_id_number_is_named_on_its_field(reviewer):
    batch = b.batch()
    with pytest.raises(ValidationError) as refused:
        _apply(batch, reviewer, b.household_id(), head="15020319800101001")
    assert list(refused.value.message_dict) == ["head_id_number"]
    assert not Application.objects.exists()


def test_a_rejected_application_frees_the_household(reviewer):
    batch = b.batch()
    head = b.household_id()
    first = _apply(batch, reviewer, head)
    application_decide(actor=reviewer, application=first, approve=False, reason="材料不全")
    again = _apply(batch, reviewer, b.household_id(), head=head)
    assert again.household_key == first.household_key


def test_the_database_holds_one_live_application_and_one_voucher_per_household(reviewer):
    batch = b.batch()
    head = b.household_id()
    voucher = voucher_issue(
        actor=reviewer,
        application=application_decide(
            actor=reviewer, application=_apply(batch, reviewer, head), approve=True
        ),
    )
    assert voucher.household_key == household_key(head, ADDRESS)
    other = b.apply(batch, reviewer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=other.pk).update(household_key=voucher.household_key)
    approved = application_decide(actor=reviewer, application=other, approve=True)
    Application.objects.filter(pk=approved.pk).update(status="approved")
    with pytest.raises(IntegrityError), transaction.atomic():
        Voucher.objects.create(
            batch=batch,
            application=approved,
            person=approved.person,
            household_key=voucher.household_key,
            code="ZZZZZZZZZZ1",
            face_value=batch.face_value,
            issued_at=voucher.issued_at,
            issued_by=reviewer,
            valid_until=batch.valid_until,
        )


def test_the_public_form_asks_for_the_head_only_when_the_batch_is_per_household(client):
    from tests.factories import keep_seeded_batch_current

    batch = keep_seeded_batch_current() or VoucherBatch.objects.get(year=2026, name="促进就业券")
    batch = VoucherBatch.objects.get(pk=batch.pk)
    assert batch.one_per == VoucherBatch.OnePer.HOUSEHOLD
    page = client.get("/vouchers/apply/")
    assert "head_id_number" in page.context["form"].fields
    VoucherBatch.objects.filter(pk=batch.pk).update(one_per=VoucherBatch.OnePer.PERSON)
    page = client.get("/vouchers/apply/")
    assert "head_id_number" not in page.context["form"].fields


# --- the staff faces: the admin's entry form and the API ask for the head -----------------------

ADD_URL = "/admin/vouchers/application/add/"
API_URL = "/api/voucher-applications/"


def _staff_entry(batch, **extra) -> dict:
    data = {
        "batch": batch.pk,
        "id_number": b.household_id(),
        "name": "刘桂英",
        "phone": "13912345678",
        "address": ADDRESS,
        "street": b.street().pk,
        "target_group": b.group().pk,
        "note": "",
    }
    return data | extra


def _admin_add(client, batch, **extra):
    return client.post(ADD_URL, _staff_entry(batch, **extra))


def _api_create(client, batch, **extra):
    return client.post(API_URL, _staff_entry(batch, **extra), content_type="application/json")


def test_the_admin_entry_form_asks_for_the_household_head(reviewer, client_for):
    page = client_for(reviewer).get(ADD_URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="head_id_number"' in html and "户主身份证号码" in html


def test_the_admin_refuses_a_per_household_entry_without_the_head_on_its_field(
    reviewer, client_for
):
    batch = b.batch()
    response = _admin_add(client_for(reviewer), batch, head_id_number=" ")
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["head_id_number"]
    assert "户主身份证号" in errors["head_id_number"][0]
    assert not Application.objects.exists()


def test_the_admin_refuses_a_second_application_from_the_same_household(reviewer, client_for):
    batch = b.batch()
    client = client_for(reviewer)
    head = b.household_id()
    assert _admin_add(client, batch, id_number=head, head_id_number=head).status_code == 302
    # Another member of the household, the address written with other spaces.
    again = _admin_add(client, batch, head_id_number=head, address="昆区少先路 12号院3栋 2单元501")
    assert again.status_code == 200
    errors = again.context["adminform"].form.errors
    assert list(errors) == ["head_id_number"] and "每户" in errors["head_id_number"][0]
    application = Application.objects.get(batch=batch)
    assert application.household_key == household_key(head, ADDRESS)


def test_the_admin_asks_no_head_in_a_per_person_batch(reviewer, client_for):
    batch = b.batch(one_per=VoucherBatch.OnePer.PERSON)
    client = client_for(reviewer)
    head = b.household_id()
    assert _admin_add(client, batch, id_number=head).status_code == 302
    assert _admin_add(client, batch, head_id_number=head).status_code == 302
    assert set(Application.objects.values_list("household_key", flat=True)) == {""}


def test_the_api_refuses_a_per_household_entry_without_the_head_on_its_field(reviewer, client_for):
    batch = b.batch()
    response = _api_create(client_for(reviewer), batch)
    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["head_id_number"] and "户主身份证号" in body["head_id_number"][0]
    assert not Application.objects.exists()


def test_the_api_refuses_a_second_application_from_the_same_household(reviewer, client_for):
    batch = b.batch()
    client = client_for(reviewer)
    head = b.household_id()
    first = _api_create(client, batch, id_number=head, head_id_number=head)
    assert first.status_code == 201, first.content
    again = _api_create(client, batch, head_id_number=head)
    assert again.status_code == 400
    assert list(again.json()) == ["head_id_number"]
    assert Application.objects.filter(batch=batch).count() == 1
    assert Application.objects.get().household_key == household_key(head, ADDRESS)


def test_the_api_takes_every_member_in_a_per_person_batch(reviewer, client_for):
    batch = b.batch(one_per=VoucherBatch.OnePer.PERSON)
    client = client_for(reviewer)
    head = b.household_id()
    assert _api_create(client, batch, id_number=head).status_code == 201
    assert _api_create(client, batch, head_id_number=head).status_code == 201
    assert set(Application.objects.values_list("household_key", flat=True)) == {""}
