"""Portal: the agency's list of claims — scoping, filters, paging and query counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from subsidies.models import Claim, ClaimType

pytestmark = pytest.mark.django_db

YEAR = 2026
STATUSES = ("draft", "submitted", "approved", "returned", "withdrawn")


def bulk_claims(agency, user, count: int, start: int = 0) -> None:
    """Many claims quickly, spread over the seeded types and statuses; each (type, period)
    is distinct so the one-live-claim rule holds."""
    types = list(ClaimType.objects.filter(policy_year=YEAR).order_by("sort_order"))
    claims = []
    for i in range(start, start + count):
        status = STATUSES[i % len(STATUSES)]
        claims.append(
            Claim(
                agency=agency,
                claim_type=types[i % len(types)],
                period=f"P{i:06d}",
                status=status,
                declared={"count": "1"},
                eligible_amount=Decimal("100.00"),
                approved_amount=Decimal("80.00") if status == "approved" else None,
                trace=["1 户次 × 100.00 元 = 100.00 元"],
                created_by=user,
            )
        )
    Claim.objects.bulk_create(claims)


def test_list_shows_only_the_agency_own_claims(client_for, agency_a, org_a, agency_b, org_b):
    bulk_claims(org_a, agency_a, 3)
    bulk_claims(org_b, agency_b, 2, start=100)
    response = client_for(agency_b).get(reverse("claims:list"))
    rows = list(response.context["page"].object_list)
    assert len(rows) == 2
    assert {c.agency_id for c in rows} == {org_b.pk}
    assert "P000000" not in response.content.decode()


def test_list_filters_by_status_and_type_and_counts_each_status(client_for, agency_a, org_a):
    bulk_claims(org_a, agency_a, 30)
    client = client_for(agency_a)
    response = client.get(reverse("claims:list"), {"status": "approved"})
    rows = list(response.context["page"].object_list)
    assert len(rows) == 6
    assert {c.status for c in rows} == {"approved"}
    chips = {value: count for value, _label, count, _url in response.context["status_chips"]}
    assert chips == dict.fromkeys(STATUSES, 6)

    fee = ClaimType.objects.get(code="fee_exemption", policy_year=YEAR)
    response = client.get(reverse("claims:list"), {"type": fee.pk})
    rows = list(response.context["page"].object_list)
    assert rows and {c.claim_type_id for c in rows} == {fee.pk}
    assert response.context["total"] == len(rows)


def test_list_ignores_a_filter_value_it_does_not_know(client_for, agency_a, org_a):
    bulk_claims(org_a, agency_a, 4)
    response = client_for(agency_a).get(reverse("claims:list"), {"status": "nope", "type": "x"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 4


def test_list_pages_by_20(client_for, agency_a, org_a):
    bulk_claims(org_a, agency_a, 45)
    client = client_for(agency_a)
    first = client.get(reverse("claims:list"))
    assert len(first.context["page"].object_list) == 20
    assert first.context["page"].paginator.num_pages == 3
    last = client.get(reverse("claims:list"), {"page": 3})
    assert len(last.context["page"].object_list) == 5


def test_empty_list_points_to_the_catalogue(client_for, agency_a):
    response = client_for(agency_a).get(reverse("claims:list"))
    assert response.context["total"] == 0
    assert reverse("claims:catalogue") in response.content.decode()


@pytest.mark.parametrize("params", [{}, {"status": "approved"}])
def test_list_query_count_is_the_same_at_10_and_1000_claims(client_for, agency_a, org_a, params):
    client = client_for(agency_a)
    client.get(reverse("claims:list"))  # sessions and content types warmed up
    bulk_claims(org_a, agency_a, 10)
    with CaptureQueriesContext(connection) as small:
        response = client.get(reverse("claims:list"), params)
    assert response.context["page"].object_list
    bulk_claims(org_a, agency_a, 990, start=10)
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("claims:list"), params)
    assert response.context["page"].paginator.count == (1000 if not params else 200)
    assert len(large) == len(small)
