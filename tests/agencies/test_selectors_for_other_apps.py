"""The reads training and vouchers make of the agencies area (they query no agencies model)."""

from __future__ import annotations

import pytest
from django.db.models import OuterRef, Subquery

from agencies import selectors
from agencies.models import Agency, AgencyStanding, BusinessFormat, Street
from tests import factories


def test_registered_agencies_are_those_registered_now(org_a, org_b):
    applying = factories.make_agency("丙家政服务有限公司", status=Agency.Status.APPLYING)
    suspended = factories.make_agency("丁家政服务有限公司", status=Agency.Status.SUSPENDED)
    registered = set(selectors.registered_agencies())
    assert {org_a, org_b} <= registered
    assert applying not in registered
    assert suspended not in registered
    assert applying in set(selectors.all_agencies())


def test_agencies_by_id_leaves_an_unknown_id_out_in_one_query(
    org_a, org_b, django_assert_num_queries
):
    with django_assert_num_queries(1):
        found = selectors.agencies_by_id([org_a.pk, org_b.pk, 999_999])
    assert found == {org_a.pk: org_a, org_b.pk: org_b}


def test_street_choices_are_the_streets_in_use(db):
    retired = Street.objects.order_by("code").first()
    retired.active = False
    retired.save(update_fields=["active"])
    assert retired not in set(selectors.street_choices())
    assert retired in set(selectors.all_streets())
    assert selectors.active_streets() == list(selectors.street_choices())


def test_the_agencys_own_formats_come_first_among_those_in_use(org_a):
    own = selectors.format_ids_of(org_a)
    assert set(own) == set(
        BusinessFormat.objects.filter(code__in=["housekeeping", "eldercare"]).values_list(
            "pk", flat=True
        )
    )
    choices = list(selectors.format_choices(first=own))
    assert {f.pk for f in choices[: len(own)]} == set(own)
    assert all(f.active for f in choices)
    assert set(choices) == set(selectors.format_choices())
    assert list(selectors.formats_of(org_a)) == [f for f in choices if f.pk in own]


def test_inspected_standings_skip_pending_years_latest_first(org_a, org_b):
    AgencyStanding.objects.create(agency=org_a, year=2024, inspection="failed")
    AgencyStanding.objects.create(agency=org_a, year=2025, inspection="passed")
    AgencyStanding.objects.create(agency=org_a, year=2026)  # not inspected yet
    assert [s.year for s in selectors.inspected_standings(org_a)] == [2025, 2024]
    # As a subquery: each agency's latest result, one query for the list.
    latest = Subquery(selectors.inspected_standings(OuterRef("pk")).values("inspection")[:1])
    results = dict(
        Agency.objects.filter(pk__in=[org_a.pk, org_b.pk])
        .annotate(latest=latest)
        .values_list("pk", "latest")
    )
    assert results == {org_a.pk: "passed", org_b.pk: None}


def test_current_rows_are_read_again(org_a, org_b):
    worker = factories.make_worker(org_a)
    stale = Agency.objects.get(pk=org_a.pk)
    Agency.objects.filter(pk=org_a.pk).update(status=Agency.Status.SUSPENDED)
    assert selectors.agency_now(stale.pk).status == Agency.Status.SUSPENDED
    assert selectors.worker_now(worker.pk).agency == org_a
    with pytest.raises(Agency.DoesNotExist):
        selectors.agency_now(999_999)


def test_memberships_by_username(agency_a, agency_b, org_a, org_b):
    found = selectors.memberships_by_username(["agency_a", "agency_b", "nobody"])
    assert {name: m.agency for name, m in found.items()} == {"agency_a": org_a, "agency_b": org_b}


def test_latest_failed_inspection_is_the_latest_inspected_year_when_it_failed(db, org_a, org_b):
    assert selectors.latest_failed_inspection(org_a) is None  # never inspected
    AgencyStanding.objects.create(agency=org_a, year=2024, inspection="passed")
    AgencyStanding.objects.create(agency=org_a, year=2025, inspection="failed")
    AgencyStanding.objects.create(agency=org_a, year=2026)  # not inspected yet: skipped
    assert selectors.latest_failed_inspection(org_a).year == 2025
    AgencyStanding.objects.create(agency=org_b, year=2024, inspection="failed")
    AgencyStanding.objects.create(agency=org_b, year=2025, inspection="basically_passed")
    assert selectors.latest_failed_inspection(org_b) is None  # passed since


def test_the_portal_inspections_and_vouchers_pages_both_tell_the_agency_from_one_selector(
    org_a, agency_a, client_for, monkeypatch
):
    AgencyStanding.objects.create(agency=org_a, year=2025, inspection="failed")
    client = client_for(agency_a)
    pages = ("/portal/inspections/", "/portal/vouchers/")
    for url in pages:
        assert "2025 年度年检复核不合格" in client.get(url).content.decode()
    asked = []

    def recorded(agency):
        asked.append(agency)
        return None

    monkeypatch.setattr(selectors, "latest_failed_inspection", recorded)
    for url in pages:
        body = client.get(url).content.decode()
        assert "年度年检复核不合格" not in body
    assert asked == [org_a, org_a]
