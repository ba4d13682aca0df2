"""Unified social credit codes: structure, check character and the reviewer override."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import uscc as stdnum_uscc

from agencies import services
from agencies.models import Agency, BusinessFormat, Street
from agencies.uscc import check_uscc, expected_check_character
from kunqu_jiafu.audit.models import AuditEntry
from tests import factories


def _application(**overrides) -> dict:
    data = {
        "name": "丙家政服务有限公司",
        "uscc": factories.credit_code(),
        "legal_representative": "王五",
        "contact_name": "赵六",
        "phone": "13900000000",
        "address": "昆都仑区钢铁大街88号",
        "street": Street.objects.order_by("code").first(),
        "founded_on": dt.date(2019, 6, 1),
        "employee_count": 12,
    }
    data.update(overrides)
    return data


@pytest.fixture
def applicant(db):
    return factories.make_user("applicant", full_name="申请人")


def test_valid_code_is_accepted_and_normalised():
    good = factories.credit_code(4711)
    assert check_uscc(good) == (good, True)
    spaced = f" {good[:6].lower()} {good[6:12]}-{good[12:]} "
    assert check_uscc(spaced) == (good, True)


def test_full_width_characters_are_folded_to_half_width():
    good = factories.credit_code(4712)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in good)
    assert check_uscc(full_width) == (good, True)


@pytest.mark.parametrize("value", ["", "92150203MA000001", "92150203MA0000001100"])
def test_wrong_length_is_refused(value):
    with pytest.raises(ValidationError) as excinfo:
        check_uscc(value)
    assert excinfo.value.code == "length"


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_letters_outside_the_alphabet_are_refused(letter):
    code = factories.credit_code(4713)
    with pytest.raises(ValidationError) as excinfo:
        check_uscc(code[:10] + letter + code[11:])
    assert excinfo.value.code == "format"


def test_letters_in_the_area_code_part_are_refused():
    code = factories.credit_code(4714)
    with pytest.raises(ValidationError) as excinfo:
        check_uscc(code[:2] + "AB" + code[4:])
    assert excinfo.value.code == "format"


def test_bad_check_character_is_reported_not_raised():
    bad = factories.bad_check_credit_code(4715)
    assert check_uscc(bad) == (bad, False)
    assert expected_check_character(bad) == stdnum_uscc.calc_check_digit(bad)
    assert expected_check_character(bad) != bad[-1]


def test_applicant_with_bad_check_character_is_refused_naming_the_expected_one(applicant):
    bad = factories.bad_check_credit_code()
    with pytest.raises(ValidationError) as excinfo:
        services.agency_apply(user=applicant, data=_application(uscc=bad), formats=[])
    message = excinfo.value.message_dict["uscc"][0]
    assert expected_check_character(bad) in message
    assert not Agency.objects.filter(uscc=bad).exists()
    assert not AuditEntry.objects.filter(action="agencies.agency.applied").exists()


def test_applicant_structure_error_is_reported_on_the_uscc_field(applicant):
    with pytest.raises(ValidationError) as excinfo:
        services.agency_apply(user=applicant, data=_application(uscc="123"), formats=[])
    assert "uscc" in excinfo.value.message_dict
    assert not Agency.objects.exists()


def test_application_stores_the_normalised_code(applicant):
    good = factories.credit_code()
    agency = services.agency_apply(
        user=applicant,
        data=_application(uscc=" " + good.lower() + " "),
        formats=BusinessFormat.objects.all()[:1],
    )
    assert agency.uscc == good


def test_duplicate_code_is_refused(applicant, org_a):
    with pytest.raises(ValidationError) as excinfo:
        services.agency_apply(user=applicant, data=_application(uscc=org_a.uscc), formats=[])
    assert "uscc" in excinfo.value.message_dict
    assert Agency.objects.filter(uscc=org_a.uscc).count() == 1


def test_agency_user_cannot_override_a_bad_check_character(db):
    org = factories.make_agency("申请中家政", status=Agency.Status.APPLYING)
    user = factories.make_agency_user("agency_c", org)
    bad = factories.bad_check_credit_code()
    with pytest.raises(ValidationError) as excinfo:
        services.agency_update(
            actor=user, agency=org, data={"uscc": bad}, override_reason="营业执照上就是这样"
        )
    assert expected_check_character(bad) in excinfo.value.message_dict["uscc"][0]
    org.refresh_from_db()
    assert org.uscc != bad
    assert org.uscc_override_reason == ""


def test_reviewer_needs_a_reason_to_accept_a_bad_check_character(reviewer, org_a):
    bad = factories.bad_check_credit_code()
    with pytest.raises(ValidationError) as excinfo:
        services.agency_update(actor=reviewer, agency=org_a, data={"uscc": bad})
    assert "uscc_override_reason" in excinfo.value.message_dict
    org_a.refresh_from_db()
    assert org_a.uscc != bad


def test_reviewer_override_is_recorded_on_the_agency_and_in_the_audit(reviewer, org_a):
    bad = factories.bad_check_credit_code()
    reason = "营业执照原件核对无误，系登记机关赋码问题"
    services.agency_update(actor=reviewer, agency=org_a, data={"uscc": bad}, override_reason=reason)
    org_a.refresh_from_db()
    assert org_a.uscc == bad
    assert org_a.uscc_override_reason == reason
    entry = AuditEntry.objects.get(action="agencies.agency.updated")
    assert entry.reason == reason
    assert entry.after["uscc"] == bad
    assert entry.before["uscc"] != bad
