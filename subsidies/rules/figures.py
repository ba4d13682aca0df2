"""Declared figures: money and rates as the catalogue prints them, the figures an agency
declares (Field), how each kind is read and refused, and the parameters' common readings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

CENT = Decimal("0.01")
# Claim amounts are stored with 14 digits, 2 after the point; anything larger is a typo.
MAX_AMOUNT = Decimal("999999999.99")
MAX_COUNT = 100_000
LINE_MAX_LENGTH = 60
# A yearly interest rate above this is refused as a typo (a rate typed as 385 for 3.85): a
# bureau setting of the interest calculator (``max_annual_rate``, 0.24 = 24%), this by default.
MAX_ANNUAL_RATE = Decimal("0.24")


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def yuan(value: Decimal) -> str:
    return _("%(amount)s yuan") % {"amount": f"{money(value):,.2f}"}


def percent(value: Decimal) -> str:
    return f"{(Decimal(value) * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}%".replace(
        ".00%", "%"
    )


@dataclass(frozen=True)
class Field:
    """A figure the agency declares for a calculator."""

    name: str
    label: str
    kind: str  # "money", "count", "text"; "line" (one required line), "date", "percent"
    help: str = ""


@dataclass
class Calculation:
    amount: Decimal
    trace: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # reasons nothing is payable


class DeclaredError(ValueError):
    """A declared figure is missing or malformed: {field name: message}."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


def refuse(spec: Field, message: str, **values) -> DeclaredError:
    """The error for one figure; ``message`` names it as %(label)s."""
    return DeclaredError({spec.name: message % {"label": spec.label, **values}})


def missing(spec: Field) -> DeclaredError:
    return refuse(spec, _("Please fill in “%(label)s”."))


def _number(declared: Mapping, spec: Field) -> Decimal | int:
    raw = declared.get(spec.name)
    if raw in (None, ""):
        raise missing(spec)
    try:
        value = Decimal(str(raw).replace(",", "").strip())
    except InvalidOperation:
        raise refuse(spec, _("“%(label)s” must be a number.")) from None
    if not value.is_finite():  # "NaN", "Infinity": Decimal parses them, comparisons raise
        raise refuse(spec, _("“%(label)s” must be a number."))
    if value < 0:
        raise refuse(spec, _("“%(label)s” cannot be negative."))
    if spec.kind == "count":
        if value > MAX_COUNT:
            raise refuse(spec, _("“%(label)s” is too large; please check it."))
        if value != value.to_integral_value():
            raise refuse(spec, _("“%(label)s” must be a whole number."))
        return int(value)
    if value > MAX_AMOUNT:
        raise refuse(spec, _("The amount “%(label)s” is too large; please check it."))
    if value != value.quantize(CENT):
        raise refuse(spec, _("“%(label)s” has at most two decimals."))
    return value


def _line(declared: Mapping, spec: Field) -> str:
    value = str(declared.get(spec.name) or "").strip()
    if not value:
        raise missing(spec)
    if len(value) > LINE_MAX_LENGTH:
        raise refuse(spec, _("“%(label)s” has at most %(n)s characters."), n=LINE_MAX_LENGTH)
    return value


def _date(declared: Mapping, spec: Field) -> dt.date:
    raw = declared.get(spec.name)
    if raw in (None, ""):
        raise missing(spec)
    try:
        return dt.date.fromisoformat(str(raw).strip()[:10])
    except ValueError:
        raise refuse(spec, _("“%(label)s” must be a date, written like 2026-03-15.")) from None


def read_percent(declared: Mapping, spec: Field, ceiling: Decimal = MAX_ANNUAL_RATE) -> Decimal:
    """A percentage as typed (3.85 for 3.85%), refused above ``ceiling`` (a rate, 0.24)."""
    raw = declared.get(spec.name)
    if raw in (None, ""):
        raise missing(spec)
    not_a_number = _("“%(label)s” must be a number (a percentage, e.g. 3.85).")
    try:
        value = Decimal(str(raw).replace("%", "").replace("％", "").strip())
    except InvalidOperation:
        raise refuse(spec, not_a_number) from None
    if not value.is_finite():
        raise refuse(spec, not_a_number)
    if value <= 0:
        raise refuse(spec, _("“%(label)s” must be more than 0."))
    limit = (ceiling * 100).normalize()
    if value > limit:
        raise refuse(
            spec,
            _(
                "“%(label)s” is %(value)s%%, more than %(limit)s%%; please check it (write a "
                "percentage: for an annual rate of 3.85%% write 3.85)."
            ),
            value=value,
            limit=f"{limit:f}",
        )
    if value != value.quantize(Decimal("0.0001")):
        raise refuse(spec, _("“%(label)s” has at most four decimals."))
    return value


_READERS = {"line": _line, "date": _date, "percent": read_percent}


def read_declared(fields: tuple[Field, ...], declared: Mapping) -> dict:
    """Parse every declared figure, collecting all errors at once."""
    values, errors = {}, {}
    for spec in fields:
        try:
            if spec.kind == "text":
                values[spec.name] = str(declared.get(spec.name, "")).strip()
            elif spec.kind in _READERS:
                values[spec.name] = _READERS[spec.kind](declared, spec)
            else:
                values[spec.name] = _number(declared, spec)
        except DeclaredError as exc:
            errors.update(exc.errors)
    if errors:
        raise DeclaredError(errors)
    return values


def param(params: Mapping, name: str, default=None) -> Decimal | None:
    raw = params.get(name, default)
    return None if raw in (None, "") else Decimal(str(raw))


def capped(amount: Decimal, params: Mapping, trace: list[str]) -> Decimal:
    """The amount within the type's ``cap``; the trace says when the cap applied."""
    cap = param(params, "cap")
    if cap is not None and amount > cap:
        trace.append(
            _("Above the limit of %(cap)s per claim: %(cap)s is paid") % {"cap": yuan(cap)}
        )
        return money(cap)
    return amount


def period_dates(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of a claim period: 2026, 2026H1, 2026Q3 or 2026-03."""
    period = period.strip().upper()
    year = int(period[:4])
    if len(period) == 4:
        first, last = 1, 12
    elif period[4] == "H":
        first = 1 if period[5] == "1" else 7
        last = first + 5
    elif period[4] == "Q":
        first = (int(period[5]) - 1) * 3 + 1
        last = first + 2
    else:
        first = last = int(period[5:7])
    end = dt.date(year + (last == 12), last % 12 + 1, 1) - dt.timedelta(days=1)
    return dt.date(year, first, 1), end
