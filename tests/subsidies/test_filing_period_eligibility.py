"""Employee-system benefits read the filing's validity on the claim period (issue 9:
"Benefits read the filing's validity on the claim period"). The plan: "对备案的员工制家庭服务
企业…予以社保补贴…给予员工制家庭服务企业从业人员50%的商业意外伤害保险费用补贴和健康体检费用补贴"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from agencies.models import EmployeeSystemFiling
from subsidies import selectors
from subsidies.models import ClaimType

pytestmark = pytest.mark.django_db
FILED_RULE = "本项仅限已备案的员工制家政企业"


def _filing(agency, status, valid_from, valid_until, ended_on=None):
    return EmployeeSystemFiling.objects.create(
        agency=agency,
        status=status,
        signs_customer_contracts=True,
        dispatches_workers=True,
        pays_wages_directly=True,
        trains_continuously=True,
        submitted_at=timezone.now(),
        valid_from=valid_from,
        valid_until=valid_until,
        ended_on=ended_on,
    )


def _problems(agency, period: str) -> list[str]:
    claim_type = ClaimType.objects.filter(
        eligibility="filed_employee_system", policy_year=2026
    ).first()
    return selectors.eligibility_for(agency, claim_type, period=period)


def _filed(problems: list[str]) -> bool:
    return not any(FILED_RULE in p for p in problems)


def test_filed_only_from_march_cannot_claim_the_first_quarter(org_a):
    _filing(org_a, "filed", dt.date(2026, 3, 1), dt.date(2027, 2, 28))
    assert not _filed(_problems(org_a, "2026Q1"))
    assert _filed(_problems(org_a, "2026Q2"))


def test_a_lapsed_filing_still_counts_for_the_months_it_was_in_force(org_a):
    _filing(org_a, "lapsed", dt.date(2025, 1, 1), dt.date(2025, 12, 31), dt.date(2026, 1, 1))
    assert _filed(_problems(org_a, "2025Q4"))
    assert not _filed(_problems(org_a, "2026Q1"))


def test_a_withdrawn_filing_stops_on_the_day_it_is_withdrawn(org_a):
    _filing(org_a, "withdrawn", dt.date(2026, 1, 1), dt.date(2026, 12, 31), dt.date(2026, 5, 15))
    assert _filed(_problems(org_a, "2026Q1"))
    assert not _filed(_problems(org_a, "2026Q2"))  # ended mid-quarter
