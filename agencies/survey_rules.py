"""The statistical survey's checks: pure functions of the form's indicators, what an agency
typed and what the system pre-filled. Every message names the indicator (and the business
format where the figure is broken down) and says what to put instead."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .survey_models import SurveyIndicator

# What a SurveyValue holds (max_digits=14, decimal_places=2).
LARGEST = Decimal("999999999999.99")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Cell:
    """One figure of the form: an indicator, for one business format or as a whole."""

    indicator: SurveyIndicator
    format_id: int | None = None
    format_code: str = ""
    format_name: str = ""

    @property
    def key(self) -> str:
        return field_key(self.indicator.code, self.format_code or None)

    @property
    def label(self) -> str:
        if self.format_name:
            return f"{self.indicator.label}·{self.format_name}"
        return self.indicator.label


def field_key(code: str, format_code: str | None = None) -> str:
    """The name of a figure's field in the portal form and in a service's errors."""
    return f"{code}__{format_code}" if format_code else code


def why_key(code: str) -> str:
    """The name of the explanation field of a pre-filled indicator."""
    return f"{code}__why"


def cells(indicators: Iterable[SurveyIndicator], formats) -> list[Cell]:
    """The form's figures for an agency: a broken-down indicator gives one figure for each of
    the agency's business formats (``formats``: objects with pk, code and name)."""
    formats = list(formats)
    result = []
    for indicator in indicators:
        if indicator.by_format:
            result.extend(Cell(indicator, f.pk, f.code, f.name) for f in formats)
        else:
            result.append(Cell(indicator))
    return result


def parse(cell: Cell, raw) -> Decimal | None:
    """The typed figure as a number (None when empty); ValueError with the message if not."""
    text = unicodedata.normalize("NFKC", str(raw or "")).strip().replace(",", "")
    if not text:
        return None
    unit = cell.indicator.unit
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ValueError(
            _("“%(indicator)s” must be a number in %(unit)s, such as 12 or 12.5.")
            % {"indicator": cell.label, "unit": unit}
        )
    if cell.indicator.kind == SurveyIndicator.Kind.INTEGER and value != value.to_integral_value():
        raise ValueError(
            _("“%(indicator)s” must be a whole number (%(unit)s).")
            % {"indicator": cell.label, "unit": unit}
        )
    if value.as_tuple().exponent < -2:
        raise ValueError(
            _("“%(indicator)s” takes at most two decimals.") % {"indicator": cell.label}
        )
    low, high = cell.indicator.min_value, cell.indicator.max_value
    if low is not None and value < low:
        raise ValueError(
            _("“%(indicator)s” must be at least %(limit)s %(unit)s.")
            % {"indicator": cell.label, "limit": _plain(low), "unit": unit}
        )
    if value > (high if high is not None else LARGEST) or value < -LARGEST:
        raise ValueError(
            _("“%(indicator)s” must be at most %(limit)s %(unit)s.")
            % {"indicator": cell.label, "limit": _plain(high or LARGEST), "unit": unit}
        )
    return value


def _plain(value: Decimal) -> str:
    """12.00 → 12, 12.50 → 12.5."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def beyond_tolerance(value: Decimal | None, prefilled: Decimal | None, percent: Decimal) -> bool:
    """Whether a figure strays from the pre-filled one by more than ``percent`` of it (any
    difference from a pre-filled zero counts)."""
    if value is None or prefilled is None:
        return False
    difference = abs(value - prefilled)
    if prefilled == 0:
        return difference != 0
    return difference * HUNDRED > abs(prefilled) * percent


@dataclass
class Checked:
    values: dict[str, Decimal | None]  # by field key
    explanations: dict[str, str]  # by indicator code
    errors: dict[str, list[str]]  # by field key (figures) or why_key (explanations)


def check_return(
    form_cells: list[Cell],
    raw: Mapping[str, object],
    explanations: Mapping[str, object],
    prefilled: Mapping[str, Decimal],
    tolerance: Decimal,
    *,
    submit: bool,
) -> Checked:
    """Check what an agency typed. A draft may leave figures empty and differences
    unexplained; a submission may not. Numbers are checked either way, so nothing stored is
    malformed."""
    checked = Checked({}, {}, {})
    for cell in form_cells:
        try:
            value = parse(cell, raw.get(cell.key))
        except ValueError as exc:
            checked.errors[cell.key] = [str(exc)]
            continue
        checked.values[cell.key] = value
        if value is None and submit and cell.indicator.required:
            checked.errors[cell.key] = [
                _("Please fill in “%(indicator)s” (%(unit)s); write 0 if there is none.")
                % {"indicator": cell.label, "unit": cell.indicator.unit}
            ]
    for cell in form_cells:
        code = cell.indicator.code
        if not cell.indicator.prefill or cell.format_code:
            continue
        why = " ".join(str(explanations.get(why_key(code)) or "").split())[:1000]
        checked.explanations[code] = why
        expected = prefilled.get(code)
        if (
            submit
            and not why
            and beyond_tolerance(checked.values.get(cell.key), expected, tolerance)
        ):
            checked.errors[why_key(code)] = [
                _(
                    "“%(indicator)s” differs from the %(prefilled)s %(unit)s in the agency's "
                    "records by more than %(tolerance)s%%; please explain the difference."
                )
                % {
                    "indicator": cell.label,
                    "prefilled": _plain(expected),
                    "unit": cell.indicator.unit,
                    "tolerance": _plain(tolerance),
                }
            ]
    return checked
