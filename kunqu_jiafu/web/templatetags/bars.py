"""Widths of progress bars as classes (static/css/widths.css): the Content-Security-Policy
allows no style attribute (issue 11), so a bar says ``class="kj-bar {{ pct|width_class }}"``
instead of ``style="width: 37%"``. Whole percent; ``width_class:"min"`` keeps a sliver (3 px)
visible for any share above zero."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


def _percent(value) -> tuple[int, bool]:
    """(whole percent within 0..100, whether the value is above zero)."""
    try:
        number = Decimal(str(value).strip() or "0")
    except InvalidOperation:
        return 0, False
    if not number.is_finite():
        return 0, False
    whole = int(number.quantize(Decimal(1), rounding="ROUND_HALF_UP"))
    return max(0, min(100, whole)), number > 0


@register.filter
def width_class(value, keep_sliver: str = "") -> str:
    whole, positive = _percent(value)
    return f"kj-w-{whole} kj-w-some" if keep_sliver and positive else f"kj-w-{whole}"


@register.filter
def left_class(value) -> str:
    return f"kj-l-{_percent(value)[0]}"
