"""Items computed from records (issue 12: "Items computed from records (share of workers with a
valid health check, with accident insurance, on labour contracts with social insurance; filing
status …) are filled in by the system and shown beside the inspector's score"). The test makes
workers with and without each property and checks the figures equal the records."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies import inspection_figures
from agencies import selectors as agency_selectors
from agencies.models import EmployeeSystemFiling, Worker
from inspections import selectors
from tests import factories
from tests.inspections.factories_scoring import items_of, make_inspection

pytestmark = pytest.mark.django_db


def _workers(agency):
    today = timezone.localdate()
    factories.make_worker(agency)  # has everything
    factories.make_worker(agency, health_check_on=today - dt.timedelta(days=500))
    factories.make_worker(
        agency,
        accident_insurance_until=today - dt.timedelta(days=1),
        contract_kind=Worker.ContractKind.SERVICE,
    )
    factories.make_worker(agency, social_insurance=False, insured_since=None)
    # Not employed today: left last month, or hired next week. They never count.
    factories.make_worker(agency, left_on=today - dt.timedelta(days=30))
    factories.make_worker(agency, hired_on=today + dt.timedelta(days=7))


def _file(agency, *, valid_until):
    today = timezone.localdate()
    return EmployeeSystemFiling.objects.create(
        agency=agency,
        status=EmployeeSystemFiling.Status.FILED,
        signs_customer_contracts=True,
        dispatches_workers=True,
        pays_wages_directly=True,
        trains_continuously=True,
        submitted_at=timezone.now(),
        valid_from=today - dt.timedelta(days=100),
        valid_until=valid_until,
    )


def test_computed_items_equal_the_records(org_a, org_b, reviewer, approver):
    _workers(org_a)
    factories.make_worker(org_b)  # another agency's worker is not counted
    inspection = make_inspection(org_a, reviewer, approver)
    items = items_of(inspection)
    found = selectors.computed_items(inspection)
    assert set(found) == {items[c].pk for c in ("health", "insurance", "contracts", "filing")}
    health, insurance = found[items["health"].pk], found[items["insurance"].pk]
    contracts, filing = found[items["contracts"].pk], found[items["filing"].pk]
    # 4 employed today; 3 with a valid health check; 3 insured; 2 labour + social insurance.
    assert (health.value, health.points) == (Decimal("75.00"), Decimal("7.50"))
    assert health.detail == "3 / 4 人"
    assert (insurance.value, insurance.points) == (Decimal("75.00"), Decimal("7.50"))
    assert (contracts.value, contracts.points) == (Decimal("50.00"), Decimal("2.50"))
    assert contracts.detail == "2 / 4 人"
    assert (filing.value, filing.points) == (Decimal("0"), Decimal("0.00"))


def test_the_same_counts_come_from_the_worker_records_one_by_one(org_a):
    _workers(org_a)
    today = timezone.localdate()
    figures = inspection_figures.inspection_worker_figures([org_a.pk], today)[org_a.pk]
    employed = [
        w
        for w in Worker.objects.filter(agency=org_a)
        if w.hired_on <= today and (w.left_on is None or w.left_on > today)
    ]
    valid_from = agency_selectors.health_check_valid_from(today, 12)
    assert figures == {
        "employed": len(employed),
        "health_check": sum(
            bool(w.health_check_on and w.health_check_on >= valid_from) for w in employed
        ),
        "insurance": sum(
            bool(w.accident_insurance_until and w.accident_insurance_until >= today)
            for w in employed
        ),
        "contract": sum(w.contract_kind == "labour" and w.social_insurance for w in employed),
    }


def test_filing_in_force_earns_the_full_points_and_a_lapsed_one_none(org_a, reviewer, approver):
    inspection = make_inspection(org_a, reviewer, approver)
    filing_item = items_of(inspection)["filing"]
    filing = _file(org_a, valid_until=timezone.localdate() + dt.timedelta(days=200))
    found = selectors.computed_items(inspection)[filing_item.pk]
    assert (found.value, found.points, found.detail) == (
        Decimal("1"),
        Decimal("5"),
        "员工制备案有效",
    )
    EmployeeSystemFiling.objects.filter(pk=filing.pk).update(
        status=EmployeeSystemFiling.Status.LAPSED, ended_on=timezone.localdate()
    )
    assert selectors.computed_items(inspection)[filing_item.pk].points == Decimal("0.00")


def test_shares_are_rounded_half_up_to_two_decimals():
    # 11 of 12 workers on an item of 10 points: 91.67 %, 9.17 points; 2 of 3 on 5: 3.33.
    assert selectors.share_points(11, 12, Decimal("10")) == (Decimal("91.67"), Decimal("9.17"))
    assert selectors.share_points(2, 3, Decimal("5")) == (Decimal("66.67"), Decimal("3.33"))
    assert selectors.share_points(1, 8, Decimal("5")) == (Decimal("12.50"), Decimal("0.63"))


def test_an_agency_without_workers_gets_no_points_for_the_shares(org_a, reviewer, approver):
    inspection = make_inspection(org_a, reviewer, approver)
    health = selectors.computed_items(inspection)[items_of(inspection)["health"].pk]
    assert (health.value, health.points, health.detail) == (
        Decimal("0.00"),
        Decimal("0.00"),
        "0 / 0 人",
    )


def test_computing_takes_the_same_queries_whatever_the_number_of_workers(org_a, org_b, reviewer):
    small = make_inspection(org_a, reviewer)
    large = make_inspection(org_b, reviewer, template=small.template)
    factories.make_worker(org_a)
    for _ in range(15):
        factories.make_worker(org_b)
    counts = []
    for inspection in (small, large):
        with CaptureQueriesContext(connection) as queries:
            selectors.computed_items(inspection)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 4
