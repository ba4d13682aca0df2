"""The pure calculators of subsidies/rules.py, at their boundaries. No database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from subsidies import rules

CAP = {"cap": "100000.00"}
UI = {
    "rate": "1.00",
    "max_layoff_rate": "0.055",
    "small_max_layoff_rate": "0.20",
    "small_enterprise_max_insured": 30,
}


# A loan whose cost over 2026Q1 (90 days) is 300,000 × 6% × 90 ÷ 365 = 4,438.36.
LOAN = {
    "lender": "中国银行包头昆都仑支行",
    "contract_number": "BT-2025-0601",
    "loan_amount": "300000",
    "annual_rate": "6",
    "loan_start": "2025-06-01",
    "loan_end": "2027-05-31",
}


def calc(name: str, declared: dict, params: dict) -> rules.Calculation:
    return rules.calculate(name, declared, params, period="2026Q1")


def declared_error(name: str, declared: dict, params: dict) -> dict[str, str]:
    with pytest.raises(rules.DeclaredError) as caught:
        calc(name, declared, params)
    return caught.value.errors


def ui(last: int, now: int, premiums: str = "12345.67") -> rules.Calculation:
    return calc(
        "ui_refund",
        {
            "premiums_last_year": premiums,
            "insured_end_last_year": last,
            "insured_end_this_year": now,
        },
        UI,
    )


def test_every_calculator_has_labelled_fields_and_compute():
    assert set(rules.CALCULATORS) == {
        "interest",
        "capped_award",
        "per_head",
        "per_enrolment",
        "cost_per_head",
        "fixed_per_unit",
        "rate_of_amount",
        "ui_refund",
        "insured_months",
    } | ({"per_exemption"} & set(rules.CALCULATORS))
    for name, calculator in rules.CALCULATORS.items():
        # per_enrolment reads the provider's training records, insured_months the listed
        # worker-months: nothing is declared by hand.
        assert calculator.fields or name in ("per_enrolment", "insured_months", "per_exemption")
        assert all(
            f.label and f.kind in ("money", "count", "text", "line", "date", "percent")
            for f in calculator.fields
        )
        assert callable(calculator.compute)


# --- interest -----------------------------------------------------------------------------


def test_interest_subsidy_pays_all_interest_paid_with_a_chinese_trace():
    result = calc("interest", {**LOAN, "interest_paid": "4321.09"}, {"rate": "1"})
    assert result.amount == Decimal("4321.09")
    assert result.problems == []
    assert "4,321.09 元" in result.trace[-1]
    assert "100%" in result.trace[-1]
    assert "贴息比例" in result.trace[-1]


def test_interest_subsidy_is_capped_when_a_cap_is_set():
    result = calc(
        "interest",
        {**LOAN, "interest_paid": "4321.09"},
        {"rate": "1", "cap": "4000"},
    )
    assert result.amount == Decimal("4000.00")
    assert any("上限" in line and "4,000.00 元" in line for line in result.trace)


def test_interest_subsidy_below_the_cap_is_not_capped():
    result = calc("interest", {**LOAN, "interest_paid": "3999.99"}, {"rate": "1", "cap": "4000"})
    assert result.amount == Decimal("3999.99")
    assert not any("按上限" in line for line in result.trace)


# --- capped awards -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("requested", "expected", "capped"),
    [
        ("99999.99", "99999.99", False),
        ("100000.00", "100000.00", False),
        ("100000.01", "100000.00", True),
        ("150000", "100000.00", True),
    ],
)
def test_award_is_the_requested_amount_up_to_100000(requested, expected, capped):
    result = calc("capped_award", {"requested_amount": requested, "basis": "认定文件"}, CAP)
    assert result.amount == Decimal(expected)
    assert result.amount.as_tuple().exponent == -2
    assert any("按上限计" in line for line in result.trace) is capped
    assert f"{Decimal(requested):,.2f} 元" in result.trace[0]


# --- per head -----------------------------------------------------------------------------


def test_per_head_pays_the_declared_unit_when_within_the_standard():
    result = calc("per_head", {"count": 3, "unit_amount": "1000"}, {"unit_amount": "1500"})
    assert result.amount == Decimal("3000.00")
    assert "3 人（次）× 1,000.00 元 = 3,000.00 元" in result.trace


def test_per_head_pays_the_policy_standard_when_the_declared_unit_is_higher():
    result = calc("per_head", {"count": 3, "unit_amount": "2000"}, {"unit_amount": "1500"})
    assert result.amount == Decimal("4500.00")
    assert "高于政策标准" in result.trace[0]
    assert "1,500.00 元" in result.trace[0] and "2,000.00 元" in result.trace[0]


def test_per_head_unit_exactly_at_the_standard_is_paid_in_full():
    result = calc("per_head", {"count": 2, "unit_amount": "1500.00"}, {"unit_amount": "1500"})
    assert result.amount == Decimal("3000.00")
    assert not any("高于政策标准" in line for line in result.trace)


# --- cost per head -------------------------------------------------------------------------


def test_cost_per_head_pays_the_actual_cost_when_below_count_times_standard():
    result = calc("cost_per_head", {"count": 3, "actual_cost": "500"}, {"unit_amount": "200"})
    assert result.amount == Decimal("500.00")
    assert any("600.00 元" in line for line in result.trace)
    assert "较小者 500.00 元" in result.trace[-1]


def test_cost_per_head_pays_count_times_standard_when_the_cost_is_higher():
    result = calc("cost_per_head", {"count": 3, "actual_cost": "700"}, {"unit_amount": "200"})
    assert result.amount == Decimal("600.00")
    assert "3 人 × 200.00 元 = 600.00 元" in result.trace[0]
    assert "700.00 元" in result.trace[1]


# --- fixed per unit ------------------------------------------------------------------------


def test_fee_exemption_pays_50_per_order():
    result = calc("fixed_per_unit", {"count": 7}, {"unit_amount": "50.00"})
    assert result.amount == Decimal("350.00")
    assert result.trace == ["7 户次 × 50.00 元 = 350.00 元"]


def test_fee_exemption_of_zero_orders_is_zero():
    assert calc("fixed_per_unit", {"count": "0"}, {"unit_amount": "50"}).amount == Decimal("0.00")


# --- rate of amount -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "expected"),
    [("0.01", "0.01"), ("1.01", "0.51"), ("1.00", "0.50"), ("3000.00", "1500.00")],
)
def test_half_of_premiums_rounds_half_up_at_the_half_cent(base, expected):
    result = calc("rate_of_amount", {"base_amount": base}, {"rate": "0.50"})
    assert result.amount == Decimal(expected)
    assert "50%" in result.trace[0]
    assert f"{Decimal(expected):,.2f} 元" in result.trace[0]


def test_rate_of_amount_uses_the_configured_base_label():
    result = calc(
        "rate_of_amount", {"base_amount": "100"}, {"rate": "0.5", "base_label": "实际缴纳的保费"}
    )
    assert result.trace[0].startswith("实际缴纳的保费 100.00 元")


# --- unemployment-insurance refund ----------------------------------------------------------


def test_ui_refund_layoff_rate_exactly_5_5_percent_is_allowed():
    result = ui(200, 189)
    assert result.problems == []
    assert result.amount == Decimal("12345.67")
    assert "（200 − 189）÷ 200 = 5.50%" in result.trace[0]
    assert "上限 5.50%" in result.trace[1]


def test_ui_refund_layoff_rate_of_5_51_percent_is_refused():
    # (10000 - 9449) / 10000 = 5.51 %
    result = ui(10000, 9449)
    assert result.amount == Decimal("0.00")
    assert result.problems and "5.51%" in result.problems[0] and "5.50%" in result.problems[0]
    assert "不予返还" in result.trace[-1]


def test_ui_refund_small_enterprise_of_30_insured_may_lay_off_20_percent():
    result = ui(30, 24)
    assert result.problems == []
    assert result.amount == Decimal("12345.67")
    assert "不超过 30 人" in result.trace[1] and "20%" in result.trace[1]


def test_ui_refund_small_enterprise_above_20_percent_is_refused():
    result = ui(30, 23)
    assert result.amount == Decimal("0.00")
    assert "23.33%" in result.problems[0]


def test_ui_refund_31_insured_uses_5_5_percent_even_at_19_percent():
    result = ui(31, 25)  # 19.35 %: would pass the small-enterprise rule
    assert result.amount == Decimal("0.00")
    assert "超过 30 人" in result.trace[1]
    assert "19.35%" in result.problems[0] and "5.50%" in result.problems[0]


def test_ui_refund_with_nobody_insured_last_year_is_refused():
    result = ui(0, 0)
    assert result.amount == Decimal("0.00")
    assert result.problems
    assert "上年末参保职工人数" in result.problems[0]
    assert not any("÷ 0" in line for line in result.trace)  # no division by zero shown


def test_ui_refund_with_more_staff_than_last_year_counts_as_no_layoffs():
    result = ui(10, 12)
    assert result.problems == []
    assert result.amount == Decimal("12345.67")
    assert "= 0%" in result.trace[0]


def test_ui_refund_pays_the_configured_share_of_premiums():
    params = dict(UI, rate="0.6")
    result = calc(
        "ui_refund",
        {"premiums_last_year": "1000", "insured_end_last_year": 50, "insured_end_this_year": 50},
        params,
    )
    assert result.amount == Decimal("600.00")
    assert "返还比例 60%" in result.trace[-1]


def test_ui_refund_without_configured_limits_uses_the_policy_defaults():
    result = calc(
        "ui_refund",
        {"premiums_last_year": "1000", "insured_end_last_year": 200, "insured_end_this_year": 188},
        {"rate": "1"},
    )
    assert result.amount == Decimal("0.00")
    assert "5.50%" in result.problems[0]


# --- declared-figure errors ---------------------------------------------------------------


def test_missing_figure_is_named_with_its_chinese_label():
    errors = declared_error("rate_of_amount", {}, {"rate": "0.5"})
    assert errors == {"base_amount": "请填写“已缴纳金额（元）”。"}


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("-1", "不能为负数"),
        ("abc", "须为数字"),
        ("1.234", "最多保留两位小数"),
        ("NaN", "须为数字"),
        ("Infinity", "须为数字"),
        ("sNaN", "须为数字"),
        ("1e400", "金额过大"),
        ("1000000000000", "金额过大"),
    ],
)
def test_bad_money_figure_names_the_field(value, fragment):
    errors = declared_error("rate_of_amount", {"base_amount": value}, {"rate": "0.5"})
    assert list(errors) == ["base_amount"]
    assert fragment in errors["base_amount"]
    assert "已缴纳金额" in errors["base_amount"]


@pytest.mark.parametrize(
    ("value", "fragment"),
    [("2.5", "须为整数"), ("x", "须为数字"), ("-1", "不能为负数"), ("", "请填写")],
)
def test_bad_count_names_the_field(value, fragment):
    errors = declared_error("fixed_per_unit", {"count": value}, {"unit_amount": "50"})
    assert list(errors) == ["count"]
    assert fragment in errors["count"]


def test_all_bad_figures_are_reported_at_once():
    errors = declared_error(
        "ui_refund",
        {"premiums_last_year": "abc", "insured_end_last_year": "1.5"},
        UI,
    )
    assert set(errors) == {"premiums_last_year", "insured_end_last_year", "insured_end_this_year"}


def test_figures_may_use_thousands_separators_and_spaces():
    result = calc("rate_of_amount", {"base_amount": " 12,000.50 "}, {"rate": "0.5"})
    assert result.amount == Decimal("6000.25")


def test_a_count_given_as_a_whole_decimal_is_accepted():
    assert calc("fixed_per_unit", {"count": "3.0"}, {"unit_amount": "50"}).amount == Decimal(
        "150.00"
    )


def test_an_amount_too_large_to_store_is_refused_with_the_field_named():
    errors = declared_error("per_head", {"count": "999999", "unit_amount": "999999999"}, {})
    assert set(errors) <= {"count", "unit_amount"} and errors
    assert any("过大" in message for message in errors.values())


def test_plausible_figures_whose_product_is_too_large_are_refused():
    errors = declared_error("per_head", {"count": "100000", "unit_amount": "999999999"}, {})
    assert set(errors) == {"count", "unit_amount"}
    assert all("过大" in message for message in errors.values())


def test_declared_figures_that_are_not_a_mapping_are_refused():
    errors = declared_error("fixed_per_unit", ["7"], {"unit_amount": "50"})
    assert list(errors) == ["count"]


def test_money_helpers_round_half_up_and_print_yuan():
    assert rules.money("0.005") == Decimal("0.01")
    assert rules.money("2.675") == Decimal("2.68")
    assert rules.yuan(Decimal("100000")) == "100,000.00 元"
    assert rules.percent(Decimal("0.055")) == "5.50%"
    assert rules.percent(Decimal("0.2")) == "20%"
