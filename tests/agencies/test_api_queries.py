"""Every API list runs the same number of queries at 10 and at 1,000 rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.models import (
    Agency,
    AgencyMembership,
    BusinessFormat,
    EmployeeSystemFiling,
    Recognition,
    Street,
    Worker,
)
from kunqu_jiafu.accounts.roles import AGENCY_USER
from kunqu_jiafu.people.models import Person
from tests import factories


def _agencies(count: int) -> list[Agency]:
    street = Street.objects.order_by("code").first()
    start = Agency.objects.count()
    agencies = Agency.objects.bulk_create(
        Agency(
            name=f"批量机构{start + i}",
            uscc=factories.credit_code(100000 + start + i),
            legal_representative="张三",
            contact_name="李四",
            phone="13800000000",
            address="昆都仑区",
            street=street,
            founded_on=dt.date(2019, 1, 1),
            employee_count=5,
            status=Agency.Status.REGISTERED,
            registered_on=dt.date(2025, 1, 1),
        )
        for i in range(count)
    )
    formats = list(BusinessFormat.objects.all()[:2])
    Agency.formats.through.objects.bulk_create(
        Agency.formats.through(agency_id=a.pk, businessformat_id=f.pk)
        for a in agencies
        for f in formats
    )
    return agencies


def _workers(agency: Agency, count: int) -> None:
    today = timezone.localdate()
    start = Person.objects.count()
    people = []
    for i in range(start, start + count):
        # Birth year and sequence together are distinct for up to 39,960 people.
        person = Person(name=f"人员{i}")
        person.set_id_number(factories.id_number(birth=f"19{60 + i % 40}0101", seq=i % 999 + 1))
        people.append(person)
    people = Person.objects.bulk_create(people)
    Worker.objects.bulk_create(
        Worker(
            agency=agency,
            person=person,
            job="家政服务员",
            hired_on=dt.date(2024, 1, 1),
            contract_kind=Worker.ContractKind.LABOUR,
            contract_start=dt.date(2024, 1, 1),
            social_insurance=True,
            insured_since=dt.date(2024, 1, 1),
            health_check_on=today - dt.timedelta(days=i % 500),
            # Every third one uninsured: the yellow filter has rows at both sizes.
            accident_insurance_until=None if i % 3 == 0 else today + dt.timedelta(days=100),
        )
        for i, person in enumerate(people)
    )


def _recognitions(agencies: list[Agency], count: int) -> None:
    kinds = list(Recognition.Kind.values)
    first_year = (Recognition.objects.aggregate(last=Max("year"))["last"] or 1999) + 1
    Recognition.objects.bulk_create(
        Recognition(
            agency=agencies[i % len(agencies)],
            kind_id=kinds[i % len(kinds)],
            year=first_year + i // (len(kinds) * len(agencies)),
            granted_on=dt.date(2025, 1, 1),
        )
        for i in range(count)
    )


def _filings(agencies: list[Agency], count: int, decided_by) -> None:
    now = timezone.now()
    EmployeeSystemFiling.objects.bulk_create(
        EmployeeSystemFiling(
            agency=agencies[i % len(agencies)],
            status=EmployeeSystemFiling.Status.REFUSED,  # many per agency are allowed
            signs_customer_contracts=True,
            dispatches_workers=True,
            pays_wages_directly=True,
            trains_continuously=True,
            submitted_at=now,
            decided_at=now,
            decided_by=decided_by,
        )
        for i in range(count)
    )


def _build(rows: int, reviewer) -> Agency:
    agencies = _agencies(rows)
    home = agencies[0]
    _workers(home, rows)
    _recognitions(agencies, rows)
    _filings(agencies, rows, reviewer)
    return home


def _count(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx), len(response.json()["results"])


LIST_URLS = [
    "/api/agencies/",
    "/api/workers/",
    "/api/workers/?status=yellow",
    "/api/recognitions/",
    "/api/filings/",
    "/api/streets/",
    "/api/business-formats/",
    "/api/me/",
]


def _counts(client) -> dict[str, tuple[int, int]]:
    counts = {}
    for url in LIST_URLS:
        if url == "/api/me/":
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            counts[url] = (len(ctx), 1)
        else:
            counts[url] = _count(client, url)
    return counts


@pytest.mark.parametrize("actor", ["reviewer", "official"])
def test_staff_api_lists_use_constant_queries(actor, request, client_for, db):
    user = request.getfixturevalue(actor)
    reviewer = request.getfixturevalue("reviewer")
    client = client_for(user)
    _build(10, reviewer)
    small = _counts(client)
    _build(990, reviewer)
    large = _counts(client)
    assert {url: q for url, (q, _) in small.items()} == {url: q for url, (q, _) in large.items()}
    # The large run really served full pages.
    assert large["/api/workers/"][1] == 50
    assert large["/api/agencies/"][1] == 50
    assert large["/api/recognitions/"][1] == 50
    assert large["/api/filings/"][1] == 50


def test_agency_user_api_lists_use_constant_queries(client_for, reviewer, db):
    _build(10, reviewer)
    home = Agency.objects.order_by("pk").first()
    user = factories.make_user("agency_q", AGENCY_USER)
    AgencyMembership.objects.create(user=user, agency=home)
    client = client_for(user)
    small = _counts(client)
    _workers(home, 990)
    _recognitions([home], 990)
    _filings([home], 990, reviewer)
    large = _counts(client)
    assert {url: q for url, (q, _) in small.items()} == {url: q for url, (q, _) in large.items()}
    assert large["/api/workers/"][1] == 50
    assert large["/api/agencies/"][1] == 1
