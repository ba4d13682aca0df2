"""Pure rules of the agencies area: worker status and employee-system figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

GREEN = "green"
YELLOW = "yellow"
RED = "red"
STATUS_LABELS = {
    GREEN: gettext_lazy("May work"),
    YELLOW: gettext_lazy("Needs documents"),
    RED: gettext_lazy("May not work"),
}


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    # Clamp to the month's last day (31 Jan + 1 month = 28/29 Feb).
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)


@dataclass(frozen=True)
class WorkerStatus:
    colour: str
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.colour]


def worker_status(
    *,
    identity_ok: bool,
    agency_active: bool,
    health_check_on: dt.date | None,
    accident_insurance_until: dt.date | None,
    today: dt.date,
    health_check_valid_months: int = 12,
    area_known: bool = True,
) -> WorkerStatus:
    """green = identity valid, health check within the period and insurance valid;
    yellow = health check or insurance missing or expired, or an ID area code to confirm;
    red = an identity problem recorded by staff, or the agency is suspended."""
    red = []
    if not identity_ok:
        red.append(_("Identity in doubt; suspended from work"))
    if not agency_active:
        red.append(_("The agency is suspended or deregistered"))
    if red:
        return WorkerStatus(RED, tuple(red))
    yellow = []
    if not area_known:
        # DOMAIN: an unknown area code is at most a warning, never a refusal.
        yellow.append(_("The ID number's area code is not on record; to be confirmed"))
    if health_check_on is None:
        yellow.append(_("No health check on record"))
    elif add_months(health_check_on, health_check_valid_months) < today:
        yellow.append(_("The health check has expired"))
    if accident_insurance_until is None:
        yellow.append(_("No accident insurance"))
    elif accident_insurance_until < today:
        yellow.append(_("The accident insurance has expired"))
    if yellow:
        return WorkerStatus(YELLOW, tuple(yellow))
    return WorkerStatus(GREEN)


@dataclass(frozen=True)
class WorkerFacts:
    contract_kind: str  # "labour" or "service"
    contract_start: dt.date
    contract_end: dt.date | None
    social_insurance: bool


@dataclass(frozen=True)
class FilingFigures:
    total_workers: int
    contracted_workers: int
    insured_workers: int
    qualifying_workers: int
    threshold_workers: int
    threshold_months: int

    @property
    def meets_threshold(self) -> bool:
        return self.qualifying_workers >= self.threshold_workers


def contract_qualifies(fact: WorkerFacts, min_months: int) -> bool:
    if fact.contract_kind != "labour":
        return False
    if fact.contract_end is None:  # open-ended labour contract
        return True
    return fact.contract_end >= add_months(fact.contract_start, min_months) - dt.timedelta(days=1)


def contract_current(fact: WorkerFacts, today: dt.date | None) -> bool:
    """A contract that has not ended (open-ended, or ending today or later)."""
    return today is None or fact.contract_end is None or fact.contract_end >= today


def filing_figures(
    workers: Iterable[WorkerFacts],
    *,
    min_workers: int,
    min_months: int,
    today: dt.date | None = None,
) -> FilingFigures:
    """Figures of an employee-system filing. With ``today``, a contract that has already
    ended counts neither as a contract nor towards the threshold."""
    total = contracted = insured = qualifying = 0
    for fact in workers:
        total += 1
        current = contract_current(fact, today)
        if current:
            contracted += 1
        if fact.social_insurance:
            insured += 1
        if current and fact.social_insurance and contract_qualifies(fact, min_months):
            qualifying += 1
    return FilingFigures(total, contracted, insured, qualifying, min_workers, min_months)


# --- enterprise size (统计上大中小微型企业划分办法) ---------------------------------------

MICRO = "micro"


@dataclass(frozen=True)
class SizeThreshold:
    size: str
    min_staff: int
    min_revenue: Decimal  # 10,000 yuan (万元)


def enterprise_size(
    staff: int | None, revenue: Decimal | None, thresholds: Iterable[SizeThreshold]
) -> str | None:
    """The size the basis gives, or None while staff or revenue is not recorded.

    The classification's note decides the and/or: "大型、中型和小型企业须同时满足所列指标的
    下限，否则下划一档；微型企业只须满足所列指标中的一项即可". So a size needs BOTH lower
    bounds; the largest size whose two bounds are met wins; meeting no size's two bounds
    (fewer than 10 staff OR revenue under 100 by default) is micro."""
    if staff is None or revenue is None:
        return None
    ordered = sorted(thresholds, key=lambda t: (t.min_staff, t.min_revenue), reverse=True)
    for threshold in ordered:
        if staff >= threshold.min_staff and revenue >= threshold.min_revenue:
            return threshold.size
    return MICRO


# --- employee-system filing: term and validity ----------------------------------------------


def filing_term(start: dt.date, months: int) -> tuple[dt.date, dt.date]:
    """A filing valid for ``months`` from ``start``: the last day is the day before the
    same date ``months`` later (one year from 2026-03-01 ends 2027-02-28)."""
    return start, add_months(start, months) - dt.timedelta(days=1)


def filing_last_day(valid_until: dt.date, ended_on: dt.date | None) -> dt.date:
    """The last day a filing applied: its term, cut short by a withdrawal or a lapse."""
    if ended_on is None:
        return valid_until
    return min(valid_until, ended_on - dt.timedelta(days=1))


def period_covered(
    periods: Iterable[tuple[dt.date, dt.date]], date_from: dt.date, date_to: dt.date
) -> bool:
    """Whether the periods (inclusive) together cover every day from date_from to date_to."""
    day = date_from
    for start, end in sorted(periods):
        if start > day:
            break
        if end >= day:
            day = end + dt.timedelta(days=1)
        if day > date_to:
            return True
    return day > date_to
