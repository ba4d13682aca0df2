"""The participation list and the batch page show each agency's eligibility from one query
(selectors.with_last_inspection + participation_eligibility), with the same answer and reason
as selectors.agency_eligibility, which asks the database per agency."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from agencies.models import Agency, AgencyStanding
from tests import factories
from vouchers import selectors
from vouchers.models import Participation, VoucherBatch

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch():
    return VoucherBatch.objects.order_by("-year").first()


def _join(batch, agency, active=True):
    return Participation.objects.create(
        batch=batch, agency=agency, joined_on=dt.date(2026, 1, 1), active=active
    )


@pytest.fixture
def rows(batch):
    ok = factories.make_agency("合格家政公司")
    failed = factories.make_agency("年检不合格家政公司")
    AgencyStanding.objects.create(agency=failed, year=2024, inspection="failed")
    recovered = factories.make_agency("复检合格家政公司")
    AgencyStanding.objects.create(agency=recovered, year=2024, inspection="failed")
    AgencyStanding.objects.create(agency=recovered, year=2025, inspection="passed")
    pending = factories.make_agency("待检家政公司")
    AgencyStanding.objects.create(agency=pending, year=2024, inspection="failed")
    AgencyStanding.objects.create(agency=pending, year=2025, inspection="pending")
    suspended = factories.make_agency("暂停家政公司", status=Agency.Status.SUSPENDED)
    out = factories.make_agency("退出家政公司")
    for agency in (ok, failed, recovered, pending, suspended):
        _join(batch, agency)
    _join(batch, out, active=False)
    return {a.name: a for a in (ok, failed, recovered, pending, suspended, out)}


def test_row_eligibility_matches_the_per_agency_rules(batch, rows):
    participations = selectors.with_last_inspection(
        Participation.objects.filter(batch=batch, agency__in=rows.values()).select_related("agency")
    )
    got = {p.agency.name: selectors.participation_eligibility(p) for p in participations}
    for name, agency in rows.items():
        assert got[name] == selectors.agency_eligibility(batch, agency), name
    assert got["合格家政公司"] == (True, "")
    assert got["复检合格家政公司"][0] is True  # the latest inspection decides
    assert got["待检家政公司"][0] is False  # a pending inspection does not count
    assert "2024" in got["年检不合格家政公司"][1]
    assert got["暂停家政公司"][0] is False and got["退出家政公司"][0] is False


def test_participation_list_shows_the_reason_without_opening_the_row(
    batch, rows, reviewer, client_for
):
    response = client_for(reviewer).get(
        reverse("admin:vouchers_participation_changelist"), {"batch__id__exact": batch.pk}
    )
    html = response.content.decode()
    assert response.status_code == 200
    reason = selectors.agency_eligibility(batch, rows["年检不合格家政公司"])[1]
    assert reason and reason in html
