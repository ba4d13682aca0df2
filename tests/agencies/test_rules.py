"""Pure rules: worker home-service status and employee-system filing figures."""

from __future__ import annotations

import datetime as dt

import pytest

from agencies import rules
from agencies.rules import GREEN, RED, YELLOW, WorkerFacts

TODAY = dt.date(2026, 6, 15)


def _status(**overrides) -> rules.WorkerStatus:
    facts = {
        "identity_ok": True,
        "agency_active": True,
        "health_check_on": TODAY - dt.timedelta(days=30),
        "accident_insurance_until": TODAY + dt.timedelta(days=30),
        "today": TODAY,
    }
    facts.update(overrides)
    return rules.worker_status(**facts)


def test_worker_with_recent_health_check_and_valid_insurance_is_green():
    status = _status()
    assert status.colour == GREEN
    assert status.reasons == ()
    assert status.label == "可上岗"


def test_health_check_exactly_twelve_months_ago_is_still_valid():
    assert _status(health_check_on=dt.date(2025, 6, 15)).colour == GREEN


def test_health_check_older_than_twelve_months_is_yellow():
    status = _status(health_check_on=dt.date(2025, 6, 14))
    assert status.colour == YELLOW
    assert status.reasons == ("体检已过期",)


def test_missing_health_check_is_yellow():
    assert _status(health_check_on=None).reasons == ("无体检记录",)


def test_expired_accident_insurance_is_yellow():
    status = _status(accident_insurance_until=TODAY - dt.timedelta(days=1))
    assert status.colour == YELLOW
    assert status.reasons == ("意外伤害保险已过期",)


def test_insurance_valid_until_today_is_still_green():
    assert _status(accident_insurance_until=TODAY).colour == GREEN


def test_missing_accident_insurance_is_yellow():
    assert _status(accident_insurance_until=None).reasons == ("无意外伤害保险",)


def test_yellow_lists_every_problem():
    status = _status(health_check_on=None, accident_insurance_until=None)
    assert status.colour == YELLOW
    assert len(status.reasons) == 2


def test_suspended_agency_makes_the_worker_red_even_when_everything_else_is_fine():
    status = _status(agency_active=False)
    assert status.colour == RED
    assert status.label == "不可上岗"


def test_identity_problem_is_red_and_outranks_yellow():
    status = _status(identity_ok=False, health_check_on=None)
    assert status.colour == RED
    assert status.reasons == ("身份存疑，暂停上岗",)


def test_health_check_validity_period_is_configurable():
    six_months_ago = dt.date(2025, 12, 1)
    assert _status(health_check_on=six_months_ago).colour == GREEN
    assert _status(health_check_on=six_months_ago, health_check_valid_months=6).colour == YELLOW


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2025, 11, 30), 3, dt.date(2026, 2, 28)),
        (dt.date(2026, 3, 15), -12, dt.date(2025, 3, 15)),
        (dt.date(2026, 3, 31), -1, dt.date(2026, 2, 28)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(day, months, expected):
    assert rules.add_months(day, months) == expected


# --- filing figures -------------------------------------------------------------------


def _labour(months: int | None, insured: bool = True, start=dt.date(2025, 1, 1)) -> WorkerFacts:
    end = None if months is None else rules.add_months(start, months) - dt.timedelta(days=1)
    return WorkerFacts("labour", start, end, insured)


def test_labour_contract_of_twelve_months_with_insurance_qualifies():
    assert rules.contract_qualifies(_labour(12), 12)
    figures = rules.filing_figures([_labour(12)], min_workers=1, min_months=12)
    assert figures.qualifying_workers == 1


def test_contract_one_day_short_of_twelve_months_does_not_qualify():
    short = WorkerFacts("labour", dt.date(2025, 1, 1), dt.date(2025, 12, 30), True)
    assert not rules.contract_qualifies(short, 12)


def test_open_ended_labour_contract_qualifies():
    assert rules.contract_qualifies(_labour(None), 12)


def test_service_agreement_never_qualifies_however_long():
    assert not rules.contract_qualifies(WorkerFacts("service", dt.date(2020, 1, 1), None, True), 12)


def test_figures_count_each_kind_of_worker():
    workers = [
        _labour(12),
        _labour(None),
        _labour(36),
        _labour(6),  # too short
        _labour(24, insured=False),  # not insured
        WorkerFacts("service", dt.date(2025, 1, 1), dt.date(2027, 1, 1), True),
    ]
    figures = rules.filing_figures(workers, min_workers=3, min_months=12)
    assert figures.total_workers == 6
    assert figures.contracted_workers == 6
    assert figures.insured_workers == 5
    assert figures.qualifying_workers == 3
    assert figures.meets_threshold
    assert (figures.threshold_workers, figures.threshold_months) == (3, 12)


def test_threshold_is_met_only_at_the_minimum():
    three = [_labour(12)] * 3
    assert rules.filing_figures(three, min_workers=3, min_months=12).meets_threshold
    assert not rules.filing_figures(three, min_workers=4, min_months=12).meets_threshold
    assert not rules.filing_figures([], min_workers=10, min_months=12).meets_threshold


def test_minimum_contract_term_is_configurable():
    six = [_labour(6)]
    assert rules.filing_figures(six, min_workers=1, min_months=6).meets_threshold
    assert not rules.filing_figures(six, min_workers=1, min_months=12).meets_threshold


def test_a_contract_that_has_ended_neither_counts_as_contracted_nor_qualifies():
    today = dt.date(2026, 6, 1)
    ended = rules.WorkerFacts("labour", dt.date(2024, 1, 1), dt.date(2025, 12, 31), True)
    running = rules.WorkerFacts("labour", dt.date(2025, 1, 1), dt.date(2026, 12, 31), True)
    figures = rules.filing_figures([ended, running], min_workers=1, min_months=12, today=today)
    assert figures.total_workers == 2
    assert figures.contracted_workers == 1
    assert figures.insured_workers == 2
    assert figures.qualifying_workers == 1
