"""创业担保贷款贴息: the loan's figures as the contract gives them, and the interest subsidy,
never more than the loan can have cost over the days of the claim period it ran."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .figures import (
    MAX_ANNUAL_RATE,
    Calculation,
    DeclaredError,
    Field,
    capped,
    money,
    param,
    percent,
    read_declared,
    read_percent,
    yuan,
)

# 创业担保贷款贴息: the loan is recorded, and the subsidy never exceeds the interest the loan
# can have cost over the days of the claim period it ran (principal × rate × days ÷ 365).
INTEREST_FIELDS = (
    Field("lender", gettext_lazy("Lender (the handling bank)"), "line"),
    Field("contract_number", gettext_lazy("Loan contract number"), "line"),
    Field("loan_amount", gettext_lazy("Principal of the guaranteed loan (yuan)"), "money"),
    Field(
        "annual_rate",
        gettext_lazy("Annual loan rate (%)"),
        "percent",
        gettext_lazy("The percentage in the loan contract, e.g. 3.85"),
    ),
    Field(
        "loan_start",
        gettext_lazy("Loan start date"),
        "date",
        gettext_lazy("The day the contract says the loan is paid out"),
    ),
    Field("loan_end", gettext_lazy("Loan end date"), "date"),
    Field(
        "interest_paid",
        gettext_lazy("Interest actually paid in the period (yuan)"),
        "money",
        gettext_lazy("As on the bank's interest receipts"),
    ),
)


def read_loan(declared: Mapping, params: Mapping | None = None) -> dict:
    """The loan's figures, with the checks that involve more than one figure; the rate is
    checked against the type's ``max_annual_rate``."""
    ceiling = param(params or {}, "max_annual_rate", MAX_ANNUAL_RATE)
    v, errors = {}, {}
    for spec in INTEREST_FIELDS:  # one by one, so the checks below run on what did parse
        try:
            if spec.kind == "percent":
                v[spec.name] = read_percent(declared, spec, ceiling)
            else:
                v.update(read_declared((spec,), declared))
        except DeclaredError as exc:
            errors.update(exc.errors)
    if "loan_amount" in v and v["loan_amount"] <= 0:
        errors["loan_amount"] = _("“%(label)s” must be more than 0.") % {
            "label": INTEREST_FIELDS[2].label
        }
    if "loan_start" in v and "loan_end" in v and v["loan_end"] < v["loan_start"]:
        errors["loan_end"] = _(
            "“%(end)s” cannot be before “%(start)s”; please check the loan contract."
        ) % {"end": INTEREST_FIELDS[5].label, "start": INTEREST_FIELDS[4].label}
    if errors:
        raise DeclaredError(errors)
    return v


def interest(
    declared: Mapping, params: Mapping, period: tuple[dt.date, dt.date] | None = None
) -> Calculation:
    v = read_loan(declared, params)
    rate = param(params, "rate", "1")
    paid = v["interest_paid"]
    trace = [
        _(
            "Loan: %(lender)s, contract %(contract)s, principal %(principal)s, annual rate "
            "%(rate)s%%, %(start)s to %(end)s"
        )
        % {
            "lender": v["lender"],
            "contract": v["contract_number"],
            "principal": yuan(v["loan_amount"]),
            "rate": v["annual_rate"],
            "start": v["loan_start"],
            "end": v["loan_end"],
        }
    ]
    if period is None:
        raise DeclaredError(
            {"loan_start": _("No claim period was given: the interest days cannot be counted.")}
        )
    start, end = max(v["loan_start"], period[0]), min(v["loan_end"], period[1])
    days = (end - start).days + 1 if end >= start else 0
    if days == 0:
        dates = {"first": period[0], "last": period[1]}
        trace.append(
            _(
                "The claim period %(first)s to %(last)s does not overlap the loan: 0 days of interest"
            )
            % dates
        )
        return Calculation(
            money(0),
            trace,
            [_("The loan does not overlap the claim period %(first)s to %(last)s") % dates],
        )
    ceiling = money(v["loan_amount"] * v["annual_rate"] / 100 * days / 365)
    trace.append(
        _(
            "%(days)s days of interest in the claim period (%(start)s to %(end)s); interest "
            "ceiling = principal %(principal)s × annual rate %(rate)s%% × %(days)s days ÷ 365 "
            "= %(ceiling)s"
        )
        % {
            "days": days,
            "start": start,
            "end": end,
            "principal": yuan(v["loan_amount"]),
            "rate": v["annual_rate"],
            "ceiling": yuan(ceiling),
        }
    )
    base = paid
    if paid > ceiling:
        trace.append(
            _("Interest actually paid %(paid)s is above the ceiling: %(ceiling)s counts")
            % {"paid": yuan(paid), "ceiling": yuan(ceiling)}
        )
        base = ceiling
    else:
        trace.append(
            _("Interest actually paid %(paid)s, not above the ceiling") % {"paid": yuan(paid)}
        )
    amount = money(base * rate)
    trace.append(
        _("%(base)s × interest subsidy rate %(rate)s = %(amount)s")
        % {"base": yuan(base), "rate": percent(rate), "amount": yuan(amount)}
    )
    return Calculation(capped(amount, params, trace), trace)
