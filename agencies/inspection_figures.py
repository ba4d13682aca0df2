"""What the annual inspection computes from the agencies' records (issue 12): per agency, in
one query, the workers employed on a day and how many of them have a valid health check,
accident insurance, a labour contract with social insurance; which agencies held a filing in
force. Reads, like selectors.py (kept apart as figures.py is); the inspections area calls them."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from . import rules
from .models import EmployeeSystemFiling, Worker
from .selectors import FILING_IN_FORCE_STATUSES, health_check_valid_from, policy_for_year


def inspection_worker_figures(agency_ids, on: dt.date) -> dict[int, dict[str, int]]:
    """Per agency, in one query: workers employed on ``on`` (hired by then, not yet left),
    and of them those with a health check still valid that day (the year's policy), with
    accident insurance covering that day, and on a labour contract running that day with
    social insurance paid. Agencies without workers get zeros."""
    policy = policy_for_year(on.year)
    valid_from = health_check_valid_from(on, policy.health_check_valid_months)
    contract_runs = Q(contract_start__lte=on) & (
        Q(contract_end__isnull=True) | Q(contract_end__gte=on)
    )
    rows = (
        Worker.objects.filter(agency_id__in=list(agency_ids), hired_on__lte=on)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=on))
        .values("agency_id")
        .annotate(
            employed=Count("pk"),
            health_check=Count(
                "pk", filter=Q(health_check_on__gte=valid_from, health_check_on__lte=on)
            ),
            insurance=Count("pk", filter=Q(accident_insurance_until__gte=on)),
            contract=Count(
                "pk",
                filter=contract_runs
                & Q(contract_kind=Worker.ContractKind.LABOUR, social_insurance=True),
            ),
        )
        .order_by()
    )
    empty = {"employed": 0, "health_check": 0, "insurance": 0, "contract": 0}
    found = {row.pop("agency_id"): row for row in rows}
    return {agency_id: found.get(agency_id, dict(empty)) for agency_id in agency_ids}


def agencies_filed_on(agency_ids, on: dt.date) -> set[int]:
    """Which of the agencies held an employee-system filing in force on ``on`` (one query;
    a lapsed or withdrawn filing counts for the days it applied, as filing_valid_on)."""
    rows = EmployeeSystemFiling.objects.filter(
        agency_id__in=list(agency_ids),
        status__in=FILING_IN_FORCE_STATUSES,
        valid_from__lte=on,
        valid_until__gte=on,
    ).values_list("agency_id", "valid_until", "ended_on")
    return {
        agency_id for agency_id, until, ended in rows if rules.filing_last_day(until, ended) >= on
    }
