"""Amounts on notices: Chinese capitals (中文大写金额) and figures with separators."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template import engines

from kunqu_jiafu.documents.money import amount_in_capitals, format_yuan


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("100000.00", "壹拾万元整"),
        ("1234.56", "壹仟贰佰叁拾肆元伍角陆分"),
        ("0.50", "伍角"),
        ("1005.00", "壹仟零伍元整"),
        ("0.05", "伍分"),
        ("0.01", "壹分"),
        ("0.10", "壹角"),
        ("10.10", "壹拾元壹角"),
        ("100000010.00", "壹亿零壹拾元整"),
        ("0.00", "零元整"),
        ("1.00", "壹元整"),
        ("10.00", "壹拾元整"),
        ("20.05", "贰拾元零伍分"),
        ("100.01", "壹佰元零壹分"),
        ("1000.05", "壹仟元零伍分"),
        ("1010.01", "壹仟零壹拾元零壹分"),
        ("1010.00", "壹仟零壹拾元整"),
        ("20000.00", "贰万元整"),
        ("100100.00", "壹拾万零壹佰元整"),
        ("100000.50", "壹拾万元伍角"),
        ("1000010.00", "壹佰万零壹拾元整"),
        ("10000000.00", "壹仟万元整"),
        ("100000000.00", "壹亿元整"),
        ("100010000.00", "壹亿零壹万元整"),
        ("123456789.12", "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分"),
        ("5500.00", "伍仟伍佰元整"),
        ("99999.99", "玖万玖仟玖佰玖拾玖元玖角玖分"),
    ],
)
def test_amount_in_capitals_follows_the_bank_rules(value, expected):
    assert amount_in_capitals(Decimal(value)) == expected


def test_amount_in_capitals_accepts_whole_yuan_and_fewer_decimals():
    assert amount_in_capitals(Decimal("100000")) == "壹拾万元整"
    assert amount_in_capitals(Decimal("0.5")) == "伍角"
    assert amount_in_capitals(100000) == "壹拾万元整"
    assert amount_in_capitals(Decimal("-0.00")) == "零元整"


@pytest.mark.parametrize(
    "value",
    [Decimal("-5.00"), Decimal("1.005"), Decimal("0.001"), Decimal("NaN"), Decimal("Infinity")],
)
def test_amount_in_capitals_refuses_what_a_notice_must_not_show(value):
    # cn2an alone prints 0.001 as 零元整 and -5 as 负伍元整.
    with pytest.raises(ValueError):
        amount_in_capitals(value)


def test_amounts_are_never_floats():
    with pytest.raises(TypeError):
        amount_in_capitals(0.1)
    with pytest.raises(TypeError):
        format_yuan(0.1)


def test_amount_in_capitals_refuses_text_that_is_not_a_number():
    with pytest.raises(ValueError):
        amount_in_capitals("一百元")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("100000.00"), "100,000.00"),
        (Decimal("100000"), "100,000.00"),
        (Decimal("0.5"), "0.50"),
        (Decimal("0"), "0.00"),
        (Decimal("1234567.89"), "1,234,567.89"),
        (Decimal("999.99"), "999.99"),
        (1000, "1,000.00"),
    ],
)
def test_format_yuan_separates_thousands_and_shows_two_decimals(value, expected):
    assert format_yuan(value) == expected


def test_format_yuan_refuses_fractions_of_a_fen():
    with pytest.raises(ValueError):
        format_yuan(Decimal("10.555"))


def test_notice_template_filters_print_amounts_and_dates():
    template = engines["django"].from_string(
        "{% load notice %}{{ amount|yuan }}|{{ amount|amount_in_capitals }}|"
        "{{ day|chinese_date }}|{{ text|chinese_date }}|{{ missing|yuan }}"
    )
    rendered = template.render(
        {"amount": Decimal("1234.56"), "day": dt.date(2026, 11, 29), "text": "29 November 2026"}
    )
    assert (
        rendered == "1,234.56|壹仟贰佰叁拾肆元伍角陆分|二〇二六年十一月二十九日|29 November 2026|"
    )
