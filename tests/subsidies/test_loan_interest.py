"""创业担保贷款贴息: "对全区家庭服务机构申请创业担保贷款给予全额贴息". The claim records the loan, and the
subsidy never exceeds principal × rate × days of the claim period the loan ran ÷ 365, nor
the interest actually paid."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from subsidies import rules, services
from subsidies.models import Claim
from tests.subsidies.core_builders import claim_type

PLAN = "对全区家庭服务机构申请创业担保贷款给予全额贴息"

# 2026Q3 has 92 days; 100,000 × 3.65% × 92 ÷ 365 = 920.00.
LOAN = {
    "lender": "中国银行包头昆都仑支行",
    "contract_number": "BT-2026-0088",
    "loan_amount": "100000.00",
    "annual_rate": "3.65",
    "loan_start": "2026-01-01",
    "loan_end": "2027-12-31",
    "interest_paid": "920.00",
}


def _calc(period="2026Q3", **changes):
    return rules.calculate("interest", {**LOAN, **changes}, {"rate": "1.00"}, period=period)


def _errors(**changes) -> dict[str, str]:
    with pytest.raises(rules.DeclaredError) as caught:
        _calc(**changes)
    return caught.value.errors


def test_interest_within_the_loans_cost_is_paid_in_full():
    result = _calc(interest_paid="920.00")  # just inside
    assert result.amount == Decimal("920.00")
    assert any("计息 92 天" in line and "÷ 365 = 920.00 元" in line for line in result.trace)


def test_interest_above_the_loans_cost_is_paid_up_to_it():
    result = _calc(interest_paid="920.01")  # just outside
    assert result.amount == Decimal("920.00")
    assert any("高于利息上限，按上限 920.00 元 计" in line for line in result.trace)


def test_nine_hundred_thousand_of_interest_on_a_one_yuan_loan_pays_a_cent():
    """The defect: 900,000 of interest on a 1-yuan loan was accepted."""
    result = _calc(loan_amount="1", interest_paid="900000")
    assert result.amount == Decimal("0.01")


def test_only_the_days_of_the_period_the_loan_ran_count():
    # Loan from 1 August: 61 days of the quarter; 100,000 × 3.65% × 61 ÷ 365 = 610.00.
    assert _calc(loan_start="2026-08-01", interest_paid="5000").amount == Decimal("610.00")
    # Ends on 1 July: one day.
    assert _calc(
        loan_start="2025-07-01", loan_end="2026-07-01", interest_paid="5000"
    ).amount == Decimal("10.00")


def test_a_loan_outside_the_period_pays_nothing_and_says_why():
    result = _calc(loan_start="2025-01-01", loan_end="2026-06-30")
    assert result.amount == 0
    assert result.problems and "无重叠" in result.problems[0]


def test_the_trace_records_the_loan():
    trace = _calc().trace
    assert "中国银行包头昆都仑支行" in trace[0] and "BT-2026-0088" in trace[0]
    assert "年利率 3.65%" in trace[0]


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"annual_rate": "0"}, "annual_rate", "须大于 0"),
        ({"annual_rate": "-1"}, "annual_rate", "须大于 0"),
        ({"annual_rate": "24.01"}, "annual_rate", "超过 24%"),
        ({"annual_rate": "385"}, "annual_rate", "请核对"),
        ({"annual_rate": "abc"}, "annual_rate", "须为数字"),
        ({"loan_amount": "0"}, "loan_amount", "须大于 0"),
        ({"loan_end": "2025-12-31"}, "loan_end", "不能早于“贷款起始日”"),
        ({"loan_start": "2026-02-30"}, "loan_start", "须为日期"),
        ({"lender": " "}, "lender", "请填写“贷款银行"),
        ({"contract_number": ""}, "contract_number", "请填写“借款合同编号”"),
    ],
)
def test_bad_loan_figures_get_a_message_naming_the_field(changes, field, fragment):
    errors = _errors(**changes)
    assert field in errors and fragment in errors[field]


def test_a_rate_of_24_percent_is_still_accepted():
    assert _calc(annual_rate="24").amount == Decimal("920.00")


def test_the_service_records_the_loan_and_refuses_bad_figures_per_field(agency_a, org_a):
    kind = claim_type("loan_interest")
    claim = services.claim_create(
        actor=agency_a, agency=org_a, claim_type=kind, period="2026Q3", declared=LOAN
    )
    assert claim.eligible_amount == Decimal("920.00")
    assert claim.declared["contract_number"] == "BT-2026-0088"
    with pytest.raises(ValidationError) as caught:
        services.claim_create(
            actor=agency_a,
            agency=org_a,
            claim_type=kind,
            period="2026Q4",
            declared={**LOAN, "loan_end": "2025-01-01", "loan_amount": "0"},
        )
    assert set(caught.value.message_dict) == {"declared.loan_end", "declared.loan_amount"}
    assert Claim.objects.count() == 1
    assert PLAN


def test_the_rate_ceiling_is_the_types_parameter_and_the_form_reads_it_too():
    """Issue 9: the 24% ceiling was a code constant; it is the type's ``max_annual_rate``."""
    params = {"rate": "1.00", "max_annual_rate": "0.08"}
    with pytest.raises(rules.DeclaredError) as caught:
        rules.calculate("interest", {**LOAN, "annual_rate": "8.01"}, params, period="2026Q3")
    assert "超过 8%" in caught.value.errors["annual_rate"]
    assert rules.calculate("interest", {**LOAN, "annual_rate": "8"}, params, period="2026Q3")
    wider = {"rate": "1.00", "max_annual_rate": "0.30"}
    assert rules.read_figures("interest", {**LOAN, "annual_rate": "25"}, wider)["annual_rate"] == 25
    with pytest.raises(rules.DeclaredError):
        rules.read_figures("interest", {**LOAN, "annual_rate": "25"})  # the default: 24%


def test_the_catalogue_flags_the_rate_ceiling_for_the_bureau_to_confirm(db):
    kind = claim_type("loan_interest")
    assert kind.parameters["max_annual_rate"] == "0.24"
    flag = kind.parameter_flags.get(name="max_annual_rate")
    assert flag.confirmed is False and "24%" in flag.note
