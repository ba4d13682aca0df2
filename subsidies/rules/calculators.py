"""The calculators: each takes the declared figures and the type's parameters and returns the
eligible amount with a readable trace (its wording in the zh_Hans catalogue)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .figures import (
    MAX_AMOUNT,
    Calculation,
    DeclaredError,
    Field,
    capped,
    missing,
    money,
    param,
    percent,
    period_dates,
    read_declared,
    yuan,
)
from .insured import insured_months
from .loans import INTEREST_FIELDS, interest, read_loan

AWARD_FIELDS = (
    Field("requested_amount", gettext_lazy("Award amount requested (yuan)"), "money"),
    Field(
        "basis",
        gettext_lazy("Grounds (recognition documents, inspection results, …)"),
        "text",
    ),
)


def capped_award(declared: Mapping, params: Mapping) -> Calculation:
    v = read_declared(AWARD_FIELDS, declared)
    requested = money(v["requested_amount"])
    trace = [_("Amount requested %(amount)s") % {"amount": yuan(requested)}]
    amount = capped(requested, params, trace)
    if amount == requested:
        trace.append(
            _("Not above the limit of %(cap)s: the amount requested %(amount)s counts")
            % {"cap": yuan(param(params, "cap", "0")), "amount": yuan(amount)}
        )
    return Calculation(amount, trace)


PER_HEAD_FIELDS = (
    Field("count", gettext_lazy("Number of persons (times)"), "count"),
    Field(
        "unit_amount",
        gettext_lazy("Standard per person (time) (yuan)"),
        "money",
        gettext_lazy("Not above the policy standard"),
    ),
)


def per_head(declared: Mapping, params: Mapping) -> Calculation:
    v = read_declared(PER_HEAD_FIELDS, declared)
    standard = param(params, "unit_amount")
    unit = v["unit_amount"]
    trace = []
    if standard is not None and unit > standard:
        trace.append(
            _(
                "The declared standard %(unit)s is above the policy standard %(standard)s: the policy standard counts"
            )
            % {"unit": yuan(unit), "standard": yuan(standard)}
        )
        unit = standard
    amount = money(unit * v["count"])
    trace.append(
        _("%(n)s persons (times) × %(unit)s = %(amount)s")
        % {"n": v["count"], "unit": yuan(unit), "amount": yuan(amount)}
    )
    return Calculation(capped(amount, params, trace), trace)


# Training and certification subsidies take their figures from the provider's records: the
# service lists the claimed enrolments (or certificates) grouped by course in
# ``declared["courses"]`` ([{"course": name, "count": n, "standard": "1500.00" or ""}]) and
# their number in ``declared["count"]``; the agency declares nothing by hand.
RECORD_COUNT = Field(
    "count", gettext_lazy("Number of persons (from the training records listed)"), "count"
)


def per_enrolment(declared: Mapping, params: Mapping) -> Calculation:
    """Per course: the course's standard per head (or the type's, when the course has none for
    this subsidy), never above the type's ``unit_amount``; summed over the courses."""
    count = read_declared((RECORD_COUNT,), declared)["count"]
    ceiling = param(params, "unit_amount")
    groups = declared.get("courses") or []
    if not isinstance(groups, list) or sum(int(g.get("count", 0)) for g in groups) != count:
        raise DeclaredError(
            {
                "count": _(
                    "The number differs from the training records listed; save the list again."
                )
            }
        )
    trace: list[str] = []
    total = Decimal("0")
    for group in groups:
        heads = int(group["count"])
        raw = group.get("standard")
        unit = Decimal(str(raw)) if raw not in (None, "") else (ceiling or Decimal("0"))
        note = ""
        if ceiling is not None and unit > ceiling:
            note = _(
                " (the course's standard %(unit)s is above the policy standard: %(ceiling)s counts)"
            ) % {"unit": yuan(unit), "ceiling": yuan(ceiling)}
            unit = ceiling
        subtotal = money(unit * heads)
        total += subtotal
        trace.append(
            _("%(course)s: %(n)s persons × %(unit)s = %(subtotal)s%(note)s")
            % {
                "course": group["course"],
                "n": heads,
                "unit": yuan(unit),
                "subtotal": yuan(subtotal),
                "note": note,
            }
        )
    amount = money(total)
    trace.append(_("In all %(n)s persons, %(amount)s") % {"n": count, "amount": yuan(amount)})
    return Calculation(capped(amount, params, trace), trace)


COST_PER_HEAD_FIELDS = (
    Field("count", gettext_lazy("Number of persons checked"), "count"),
    Field("actual_cost", gettext_lazy("Health-check fees actually paid (yuan)"), "money"),
)


def cost_per_head(declared: Mapping, params: Mapping) -> Calculation:
    """Actual cost, but no more than the standard per person checked."""
    v = read_declared(COST_PER_HEAD_FIELDS, declared)
    standard = param(params, "unit_amount", "0")
    ceiling = money(standard * v["count"])
    cost = money(v["actual_cost"])
    amount = min(cost, ceiling)
    trace = [
        _("Standard ceiling %(n)s persons × %(standard)s = %(ceiling)s")
        % {"n": v["count"], "standard": yuan(standard), "ceiling": yuan(ceiling)},
        _("Actual cost %(cost)s; the smaller of the two counts: %(amount)s")
        % {"cost": yuan(cost), "amount": yuan(amount)},
    ]
    return Calculation(capped(amount, params, trace), trace)


UNIT_FIELDS = (
    Field("count", gettext_lazy("Household services exempted (service orders)"), "count"),
)


def _per_household_service(count: int, params: Mapping) -> Calculation:
    unit = param(params, "unit_amount", "0")
    amount = money(unit * count)
    trace = [
        _("%(n)s household services × %(unit)s = %(amount)s")
        % {"n": count, "unit": yuan(unit), "amount": yuan(amount)}
    ]
    return Calculation(capped(amount, params, trace), trace)


def fixed_per_unit(declared: Mapping, params: Mapping) -> Calculation:
    return _per_household_service(read_declared(UNIT_FIELDS, declared)["count"], params)


# 居民家庭服务费用减免: the count is that of the exemptions listed on the claim (each a household,
# a day and a covered service, checked by subsidies.exemptions); the agency types no figure.
EXEMPTION_COUNT = Field(
    "count", gettext_lazy("Household services exempted (from the exemptions listed)"), "count"
)


def per_exemption(declared: Mapping, params: Mapping) -> Calculation:
    """The unit amount (50 元, "给予居民家庭50元服务费用减免") per valid exemption listed."""
    return _per_household_service(read_declared((EXEMPTION_COUNT,), declared)["count"], params)


RATE_FIELDS = (Field("base_amount", gettext_lazy("Amount paid (yuan)"), "money"),)


def rate_of_amount(declared: Mapping, params: Mapping) -> Calculation:
    v = read_declared(RATE_FIELDS, declared)
    rate = param(params, "rate", "1")
    label = params.get("base_label", _("Amount paid"))
    amount = money(v["base_amount"] * rate)
    trace = [
        _("%(label)s %(base)s × subsidy rate %(rate)s = %(amount)s")
        % {
            "label": label,
            "base": yuan(v["base_amount"]),
            "rate": percent(rate),
            "amount": yuan(amount),
        }
    ]
    return Calculation(capped(amount, params, trace), trace)


UI_REFUND_FIELDS = (
    Field(
        "premiums_last_year",
        gettext_lazy(
            "Unemployment-insurance premiums actually paid last year (enterprise and staff, yuan)"
        ),
        "money",
    ),
    Field("insured_end_last_year", gettext_lazy("Insured staff at the end of last year"), "count"),
    Field(
        "insured_end_this_year",
        gettext_lazy("Insured staff at the end of this year (when claiming)"),
        "count",
    ),
)


def layoff_rate(insured_last: int, insured_now: int) -> Decimal:
    """(insured at the end of last year − insured now) ÷ insured at the end of last year."""
    if insured_last <= 0:
        return Decimal("0")
    return max(Decimal("0"), Decimal(insured_last - insured_now) / Decimal(insured_last))


def ui_refund(declared: Mapping, params: Mapping) -> Calculation:
    v = read_declared(UI_REFUND_FIELDS, declared)
    last, now = v["insured_end_last_year"], v["insured_end_this_year"]
    if last <= 0:
        return Calculation(
            money(0),
            [
                _(
                    "Insured staff at the end of last year: %(n)s; the layoff rate cannot be "
                    "worked out, nothing is refunded"
                )
                % {"n": last}
            ],
            [_("Insured staff at the end of last year must be more than 0")],
        )
    small_max = int(params.get("small_enterprise_max_insured", 30))
    # The policy's figures stand in when the bureau left a limit empty.
    small = last <= small_max
    limit = (
        param(params, "small_max_layoff_rate", "0.20")
        if small
        else param(params, "max_layoff_rate", "0.055")
    )
    rate = layoff_rate(last, now)
    shown = percent(rate.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))
    figures = {"last": last, "now": now, "max": small_max, "limit": percent(limit), "rate": shown}
    trace = [
        _("Layoff rate = (%(last)s − %(now)s) ÷ %(last)s = %(rate)s") % figures,
        (
            _(
                "%(last)s insured at the end of last year, not more than %(max)s: layoff rate "
                "limit %(limit)s"
            )
            if small
            else _(
                "%(last)s insured at the end of last year, more than %(max)s: layoff rate "
                "limit %(limit)s"
            )
        )
        % figures,
    ]
    if rate > limit:
        trace.append(_("The layoff rate is above the limit: nothing is refunded"))
        return Calculation(
            money(0), trace, [_("Layoff rate %(rate)s is above the limit %(limit)s") % figures]
        )
    refund_rate = param(params, "rate", "1")
    amount = money(v["premiums_last_year"] * refund_rate)
    trace.append(
        _(
            "Last year's unemployment-insurance premiums %(base)s × refund rate %(rate)s = %(amount)s"
        )
        % {
            "base": yuan(v["premiums_last_year"]),
            "rate": percent(refund_rate),
            "amount": yuan(amount),
        }
    )
    return Calculation(capped(amount, params, trace), trace)


@dataclass(frozen=True)
class Calculator:
    fields: tuple[Field, ...]
    compute: Callable[..., Calculation]
    takes_period: bool = False  # compute(declared, params, (first day, last day))
    # Parses the declared figures with checks across figures and against the type's
    # parameters: read(declared, params); default read_declared(fields).
    read: Callable[[Mapping, Mapping], dict] | None = None


CALCULATORS: dict[str, Calculator] = {
    "interest": Calculator(INTEREST_FIELDS, interest, takes_period=True, read=read_loan),
    "capped_award": Calculator(AWARD_FIELDS, capped_award),
    "per_head": Calculator(PER_HEAD_FIELDS, per_head),
    "per_enrolment": Calculator((), per_enrolment),
    "cost_per_head": Calculator(COST_PER_HEAD_FIELDS, cost_per_head),
    "fixed_per_unit": Calculator(UNIT_FIELDS, fixed_per_unit),
    "per_exemption": Calculator((), per_exemption),
    "rate_of_amount": Calculator(RATE_FIELDS, rate_of_amount),
    "ui_refund": Calculator(UI_REFUND_FIELDS, ui_refund),
    "insured_months": Calculator((), insured_months),
}


def read_figures(calculator: str, declared: Mapping, params: Mapping | None = None) -> dict:
    """The calculator's figures parsed, every error at once (forms call this too)."""
    spec = CALCULATORS[calculator]
    return spec.read(declared, params or {}) if spec.read else read_declared(spec.fields, declared)


def calculate(
    calculator: str, declared: Mapping, params: Mapping, period: str | None = None
) -> Calculation:
    spec = CALCULATORS[calculator]
    first = spec.fields[0] if spec.fields else RECORD_COUNT
    if not isinstance(declared, Mapping):
        raise missing(first)
    if spec.takes_period:
        result = spec.compute(declared, params, period_dates(period) if period else None)
    else:
        result = spec.compute(declared, params)
    if result.amount > MAX_AMOUNT:
        # Each figure may be plausible while their product is not (count × unit).
        message = _(
            "The amount worked out from the figures, %(amount)s, is too large; please check “%(label)s”."
        )
        raise DeclaredError(
            {
                f.name: message % {"amount": yuan(result.amount), "label": f.label}
                for f in (spec.fields or (RECORD_COUNT,))
                if f.kind != "text"
            }
        )
    return result


# The parameters each calculator reads: name -> (kind, required). Kinds: "money" (yuan,
# 2 places), "rate" (0 to 1, 1 = 100%), "count" (whole number), "text". Any type may also
# carry "subject_kind" (what its claims subsidise at most once; services check it).
PARAMETERS: dict[str, dict[str, tuple[str, bool]]] = {
    # max_annual_rate: a loan rate above it is refused as a typo (the plan gives no figure).
    "interest": {
        "rate": ("rate", False),
        "cap": ("money", False),
        "max_annual_rate": ("rate", False),
    },
    "capped_award": {"cap": ("money", True)},
    "per_head": {"unit_amount": ("money", False), "cap": ("money", False)},
    "per_enrolment": {"unit_amount": ("money", False), "cap": ("money", False)},
    "cost_per_head": {"unit_amount": ("money", True), "cap": ("money", False)},
    "fixed_per_unit": {"unit_amount": ("money", True), "cap": ("money", False)},
    "per_exemption": {
        "unit_amount": ("money", True),
        "per_household_per_year": ("count", False),
        "cap": ("money", False),
    },
    "rate_of_amount": {
        "rate": ("rate", False),
        "cap": ("money", False),
        "base_label": ("text", False),
    },
    "ui_refund": {
        "rate": ("rate", False),
        "cap": ("money", False),
        "max_layoff_rate": ("rate", True),
        "small_max_layoff_rate": ("rate", True),
        "small_enterprise_max_insured": ("count", True),
    },
    # graduate_years: a graduate counts for this many years after graduation (the plan gives
    # no figure: a bureau setting).
    # max_monthly_contribution: more for one worker and month is refused as a typo.
    "insured_months": {
        "graduate_years": ("count", True),
        "cap": ("money", False),
        "max_monthly_contribution": ("money", False),
    },
}
