"""失业保险费返还（援企稳岗）: "对全区不裁员或少裁员的中小微家服企业，返还标准最高可提至企业及其职工上年度缴纳
失业保险费的100％". Only medium, small and micro enterprises may claim; the ratio is a setting
of at most 100%."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from subsidies import rules, selectors, services
from tests.subsidies.core_builders import DECLARED, claim_type, pdf, set_rates

PLAN = "对全区不裁员或少裁员的中小微家服企业"


def _size(agency, staff, revenue):
    agency.size_staff, agency.size_revenue, agency.size_year = staff, Decimal(revenue), 2025
    agency.save()


def _submit(user, org):
    claim = services.claim_create(
        actor=user,
        agency=org,
        claim_type=claim_type("ui_refund"),
        period="2026",
        declared=DECLARED["ui_refund"],
    )
    services.claim_attach(actor=user, claim=claim, code="ui_statement", upload=pdf())
    return services.claim_act(actor=user, claim=claim, action="submit")


def test_the_catalogue_limits_ui_refund_to_small_medium_and_micro(db):
    assert claim_type("ui_refund").eligibility == "small_medium_micro"


@pytest.mark.parametrize(
    ("staff", "revenue", "allowed"),
    [
        (400, "12000", False),  # the defect: a 400-staff agency was refunded 100%
        (300, "10000", False),  # just a large enterprise (both lower bounds met)
        (299, "10000", True),  # just below: medium
        (300, "9999.99", True),
        (12, "150", True),  # small
        (5, "20", True),  # micro
    ],
)
def test_only_small_medium_and_micro_enterprises_may_claim(
    staff, revenue, allowed, agency_a, org_a
):
    _size(org_a, staff, revenue)
    problems = selectors.eligibility_for(org_a, claim_type("ui_refund"))
    if allowed:
        assert problems == []
        assert _submit(agency_a, org_a).eligible_amount == Decimal("12000.00")
    else:
        assert problems == ["本项仅限中型、小型、微型企业，本机构登记的企业规模为大型，不能申领"]
        with pytest.raises(ValidationError) as caught:
            _submit(agency_a, org_a)
        assert "仅限中型、小型、微型企业" in str(caught.value)


def test_an_agency_without_a_recorded_size_is_told_to_record_it(agency_a, org_a):
    problems = selectors.eligibility_for(org_a, claim_type("ui_refund"))
    assert any("请先在机构信息中登记企业规模" in p for p in problems)


def test_the_small_medium_micro_rule_alone():
    facts = dict(
        registered=True,
        suspended=False,
        filed_employee_system=False,
        inspection_passed=False,
        rating_excellent=False,
        recognitions=frozenset(),
        recognitions_granted_this_year=frozenset(),
    )
    rule = "small_medium_micro"
    for size in ("medium", "small", "micro"):
        assert rules.eligibility_problems(rule, _facts(facts, size)) == []
    assert rules.eligibility_problems(rule, _facts(facts, "large"))
    assert rules.eligibility_problems(rule, _facts(facts, None))


def _facts(base, size):
    try:
        return rules.AgencyFacts(**base, enterprise_size=size)
    except TypeError:  # other fields added by others, with defaults
        raise


@pytest.mark.parametrize(("rate", "ok"), [("1", True), ("1.00", True), ("1.01", False)])
def test_the_refund_ratio_is_a_setting_of_at_most_100_percent(rate, ok, reviewer):
    kind = set_rates(
        claim_type("ui_refund"), {**claim_type("ui_refund").parameters, "rate": "0.50"}
    )
    params = {**kind.parameters, "rate": rate}
    if ok:  # a change from 50 % (proposing the parameters already in force is refused)
        kind = set_rates(kind, params)
        assert Decimal(str(kind.parameters["rate"])) == 1
    else:
        with pytest.raises(ValidationError) as caught:
            set_rates(kind, params)
        assert "parameters" in caught.value.message_dict


def test_a_lower_ratio_set_by_the_bureau_is_applied(agency_a, org_a, reviewer):
    kind = claim_type("ui_refund")
    set_rates(kind, {**kind.parameters, "rate": "0.60"})
    _size(org_a, 20, "300")
    assert _submit(agency_a, org_a).eligible_amount == Decimal("7200.00")
    assert PLAN


def test_the_claim_form_shows_the_agency_its_recorded_size_and_basis(org_a, agency_a, client_for):
    from django.urls import reverse

    url = reverse("claims:new") + f"?type={claim_type('ui_refund').pk}"
    client = client_for(agency_a)
    org_a.size_staff = org_a.size_revenue = org_a.size_year = None
    org_a.save()
    page = client.get(url).content.decode()
    assert 'data-testid="size-basis"' in page and "尚未登记" in page
    _size(org_a, 40, "800")
    page = client.get(url).content.decode()
    assert "小型" in page and "从业人员 40 人" in page and "营业收入 800.00 万元" in page
    # Other claim types say nothing of the size.
    other = reverse("claims:new") + f"?type={claim_type('loan_interest').pk}"
    assert 'data-testid="size-basis"' not in client.get(other).content.decode()
