"""``{% load claim_periods %}``: a claim period as people read it (2026年第1季度), not the code
the service stores and the form asks for (2026Q1)."""

from __future__ import annotations

import re

from django import template
from django.utils.translation import gettext as _

register = template.Library()

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_HALF = re.compile(r"^(\d{4})H([12])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")


@register.filter
def period_label(value) -> str:
    """2026Q1 → 2026年第1季度; 2026H2 → 2026年下半年; 2026-03 → 2026年3月; 2026 → 2026年度.
    Anything else is shown as it is."""
    text = str(value or "")
    if found := _QUARTER.match(text):
        return _("%(year)s, quarter %(n)s") % {"year": found[1], "n": found[2]}
    if found := _HALF.match(text):
        half = _("first half") if found[2] == "1" else _("second half")
        return _("%(year)s, %(half)s") % {"year": found[1], "half": half}
    if (found := _MONTH.match(text)) and 1 <= int(found[2]) <= 12:
        return _("%(year)s, month %(n)s") % {"year": found[1], "n": int(found[2])}
    if found := _YEAR.match(text):
        return _("year %(year)s") % {"year": found[1]}
    return text
