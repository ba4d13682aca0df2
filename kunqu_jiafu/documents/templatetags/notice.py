"""Filters for PDF notices: ``{% load notice %}``.

{{ issue_date|chinese_date }}       二〇二六年十一月二十九日
{{ amount|yuan }}                   100,000.00
{{ amount|amount_in_capitals }}     壹拾万元整
"""

from __future__ import annotations

import datetime as dt

from django import template

from kunqu_jiafu.documents import money
from kunqu_jiafu.documents.pdf import chinese_date as _chinese_date

register = template.Library()


@register.filter
def chinese_date(value):
    """A date as 二〇二六年十一月二十九日; text (an already written date) passes through."""
    if isinstance(value, dt.date):
        return _chinese_date(value)
    return "" if value is None else value


@register.filter
def yuan(value):
    return "" if value in (None, "") else money.format_yuan(value)


@register.filter
def amount_in_capitals(value):
    return "" if value in (None, "") else money.amount_in_capitals(value)
