"""社会保险补贴: "对备案的员工制家庭服务企业吸纳就业困难人员或高校毕业生就业并缴纳社会保险费的".

The claim lists worker-months with the employer contribution actually paid; the service checks
each against the records (insured_month_problems) and puts the accepted ones in
``declared["rows"]`` ([{"person_id", "name", "month": "2026-07", "paid": "856.40"}])."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from .figures import Calculation, DeclaredError, capped, money, yuan

# More than this for one worker and month is refused as a typo: a bureau setting of the
# calculator (``max_monthly_contribution``), this by default.
MAX_MONTHLY_CONTRIBUTION = Decimal("20000")


@dataclass(frozen=True)
class InsuredMonth:
    """What the records say about one worker in one claimed month."""

    month: dt.date  # first day of the month
    hard_to_employ: bool
    graduate: bool
    graduated_on: dt.date | None
    hired_on: dt.date | None  # None: not a worker of the agency
    left_on: dt.date | None
    insured: bool
    insured_since: dt.date | None


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def month_end(month: dt.date) -> dt.date:
    return dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1) - dt.timedelta(days=1)


def insured_month_problems(fact: InsuredMonth, graduate_years: int) -> list[str]:
    """Why this worker-month may NOT be subsidised (empty = it may). A graduate counts while
    the month begins no later than the graduate_years-th anniversary of graduation."""
    reasons = []
    last = month_end(fact.month)
    if fact.hired_on is None:
        return [_("not a worker recorded under this agency")]
    if fact.hired_on > last:
        reasons.append(
            _("not yet hired by the agency in that month (hired on %(date)s)")
            % {"date": fact.hired_on}
        )
    if fact.left_on is not None and fact.left_on < fact.month:
        reasons.append(_("left before that month (left on %(date)s)") % {"date": fact.left_on})
    if not fact.insured or fact.insured_since is None or fact.insured_since > last:
        reasons.append(_("the person's record shows no social insurance paid by the agency then"))
    if not fact.hard_to_employ:
        if not fact.graduate:
            reasons.append(
                _(
                    "the person's record shows neither a person with employment difficulties "
                    "nor a college graduate"
                )
            )
        elif fact.graduated_on is None:
            reasons.append(
                _(
                    "a college graduate without a graduation date: whether it is within the "
                    "years allowed cannot be told"
                )
            )
        elif fact.month > _add_years(fact.graduated_on, graduate_years):
            reasons.append(
                _("graduated on %(date)s: that month is more than %(n)s years after graduation")
                % {"date": fact.graduated_on, "n": graduate_years}
            )
    return reasons


def insured_months(declared: Mapping, params: Mapping) -> Calculation:
    """The employer contributions actually paid for the accepted worker-months, summed."""
    rows = declared.get("rows")
    if not isinstance(rows, list) or not rows:
        raise DeclaredError(
            {
                "rows": _(
                    "List each worker, month and the social insurance contribution the "
                    "employer actually paid, one per line."
                )
            }
        )
    trace, total = [], Decimal("0")
    for row in rows:
        paid = money(Decimal(str(row["paid"])))
        total += paid
        trace.append(
            _("%(name)s %(month)s: the employer actually paid %(paid)s")
            % {"name": row["name"], "month": row["month"], "paid": yuan(paid)}
        )
    amount = money(total)
    trace.append(
        _("In all %(n)s worker-months, %(amount)s") % {"n": len(rows), "amount": yuan(amount)}
    )
    return Calculation(capped(amount, params, trace), trace)
