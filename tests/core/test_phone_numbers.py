"""One rule for phone numbers, one function (kunqu_jiafu.people.phone.normalize_phone), used by
every entry point: portal and public forms, services, the spreadsheet importers and the API.

Before: portal forms wanted 11 digits, the importers took any 5-20 digits and the API took
"not-a-phone!!"."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from agencies import serializers as agency_serializers
from agencies.forms import AgencyForm, WorkerForm
from kunqu_jiafu.imports.widgets import PhoneWidget
from kunqu_jiafu.people.phone import normalize_phone
from kunqu_jiafu.people.services import person_get_or_create
from tests import factories
from training import serializers as training_serializers
from training import services as training_services
from training.forms import PublicSignupForm
from training.models import CourseKind
from vouchers.forms import ApplyForm
from vouchers.serializers import applications as voucher_serializers

GOOD = [
    ("13947201234", "13947201234"),
    ("139 4720 1234", "13947201234"),
    ("139-4720-1234", "13947201234"),
    ("１３９４７２０１２３４", "13947201234"),  # full-width digits
    ("+86 139 4720 1234", "13947201234"),
    ("0472-1234567", "0472-1234567"),
    ("04721234567", "0472-1234567"),
    ("（0472）1234567", "0472-1234567"),
    ("０４７２－１２３４５６７", "0472-1234567"),
    ("010-12345678", "010-12345678"),
    ("0472-1234567转8001", "0472-1234567-8001"),
    ("0472-1234567-8001", "0472-1234567-8001"),
    ("", ""),
]
BAD = [
    "not-a-phone!!",
    "12345",  # the importers' old 5-20 digits
    "1394720123",  # 10 digits: one short of a mobile number
    "139472012345",  # 12 digits: one too many
    "12947201234",  # no mobile number starts with 12
    "0472-123456",  # local number too short
    "010-1234567",  # Beijing, Shanghai … have 8-digit local numbers
    "13947201234转12",  # a mobile number has no extension
    "+1 650 1234567",
]


@pytest.mark.parametrize(("raw", "stored"), GOOD)
def test_the_rule_accepts_and_normalises(raw, stored):
    assert normalize_phone(raw) == stored


@pytest.mark.parametrize("raw", BAD)
def test_the_rule_refuses_with_a_message_saying_what_a_number_looks_like(raw):
    with pytest.raises(ValidationError) as caught:
        normalize_phone(raw)
    assert "0472-1234567" in " ".join(caught.value.messages)


# --- forms ------------------------------------------------------------------------------------


def _form_phone(form_class, value):
    form = form_class(data={"phone": value})
    form.is_valid()
    return form.errors.get("phone"), form.cleaned_data.get("phone")


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", [AgencyForm, WorkerForm, PublicSignupForm, ApplyForm])
def test_every_form_uses_the_rule(form_class):
    errors, _value = _form_phone(form_class, "not-a-phone!!")
    assert errors and "0472-1234567" in errors[0]
    errors, value = _form_phone(form_class, "０４７２ １２３４５６７")
    assert not errors and value == "0472-1234567"


# --- services ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_people_service_refuses_a_bad_number_on_the_phone_field():
    with pytest.raises(ValidationError) as caught:
        person_get_or_create(id_number=factories.id_number(), name="王芳", phone="not-a-phone!!")
    assert "phone" in caught.value.message_dict
    person = person_get_or_create(
        id_number=factories.id_number(), name="王芳", phone="139 4720 1234"
    )
    assert person.phone == "13947201234"


@pytest.mark.django_db
def test_the_training_sign_up_service_stores_the_normalised_number():
    from agencies.models import Street

    street = Street.objects.first()
    kinds = list(CourseKind.objects.all()[:1])
    with pytest.raises(ValidationError) as caught:
        training_services.signup_create(
            id_number=factories.id_number(), name="李娜", phone="12345", street=street, kinds=kinds
        )
    assert "phone" in caught.value.message_dict
    signup = training_services.signup_create(
        id_number=factories.id_number(),
        name="李娜",
        phone="0472-1234567转8",
        street=street,
        kinds=kinds,
    )
    assert signup.phone == "0472-1234567-8"


# --- importers --------------------------------------------------------------------------------


def test_the_spreadsheet_importers_use_the_rule():
    widget = PhoneWidget()
    assert widget.clean(13947201234.0) == "13947201234"  # a number cell
    assert widget.clean("０４７２－１２３４５６７") == "0472-1234567"
    assert widget.clean(None) == ""
    with pytest.raises(ValueError, match="0472-1234567"):
        widget.clean("12345")  # the old importers took any 5-20 digits


# --- the API ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("serializer", "field"),
    [
        (agency_serializers.AgencyInputSerializer, "phone"),
        (agency_serializers.WorkerCreateSerializer, "phone"),
        (training_serializers.EnrolmentCreateSerializer, "phone"),
        (voucher_serializers.VoucherApplicationCreateSerializer, "phone"),
    ],
)
def test_every_api_phone_field_uses_the_rule(serializer, field):
    phone = serializer().fields[field]
    with pytest.raises(Exception) as caught:
        phone.run_validation("not-a-phone!!")
    assert "0472-1234567" in str(caught.value.detail)
    assert phone.run_validation("+86 139 4720 1234") == "13947201234"


@pytest.mark.django_db
def test_the_workers_api_answers_400_for_not_a_phone(client_for, agency_a):
    body = {
        "id_number": factories.id_number(),
        "name": "陈红",
        "phone": "not-a-phone!!",
        "job": "养老护理员",
        "hired_on": "2025-01-01",
        "contract_kind": "labour",
        "contract_start": "2025-01-01",
        "contract_end": "2027-12-31",
        "social_insurance": True,
        "insured_since": "2025-01-01",
    }
    response = client_for(agency_a).post("/api/workers/", body, content_type="application/json")
    assert response.status_code == 400
    assert "phone" in str(response.json())
    body["phone"] = "139 4720 1234"
    response = client_for(agency_a).post("/api/workers/", body, content_type="application/json")
    assert response.status_code == 201, response.content


@pytest.mark.django_db
def test_the_worker_importer_names_the_row_and_column_and_stores_the_normalised_number(
    agency_a, org_a
):
    from agencies import imports as col
    from agencies.models import Worker
    from tests.agencies.test_worker_import import _import, _row, _xlsx

    rows = [
        _row(**{col.PHONE: "12345"}),
        _row(**{col.NAME: "李娜", col.PHONE: "０４７２－１２３４５６７"}),
    ]
    result = _import(agency_a, org_a, _xlsx(rows))
    assert [(e.row, e.field) for e in result.errors] == [(2, col.PHONE)]
    assert "0472-1234567" in result.errors[0].message
    assert not Worker.objects.filter(agency=org_a).exists()  # nothing written

    rows[0][col.PHONE] = "139 4720 1234"
    result = _import(agency_a, org_a, _xlsx(rows))
    assert result.ok and result.created == 2
    phones = set(Worker.objects.filter(agency=org_a).values_list("person__phone", flat=True))
    assert phones == {"13947201234", "0472-1234567"}
