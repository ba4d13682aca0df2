"""Admin lists run the same number of queries at 10 and 1,000 rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import (
    Agency,
    BusinessFormat,
    Recognition,
    Street,
    Worker,
)
from kunqu_jiafu.people.models import Person
from tests import factories

_serial = iter(range(10_000, 10**6))


def _agencies(count: int) -> list[Agency]:
    streets = list(Street.objects.all())
    formats = list(BusinessFormat.objects.all()[:2])
    rows = Agency.objects.bulk_create(
        Agency(
            name=f"测试家政服务有限公司{n}",
            uscc=factories.credit_code(next(_serial)),
            legal_representative="张三",
            contact_name="李四",
            phone="13800000000",
            address="昆都仑区钢铁大街1号",
            street=streets[n % len(streets)],
            founded_on=dt.date(2018, 5, 1),
            employee_count=10,
            status=Agency.Status.REGISTERED,
            registered_on=dt.date(2020 + n % 6, 3, 1),
            alliance_member=n % 3 == 0,
            alliance_joined_on=dt.date(2021, 6, 1) if n % 3 == 0 else None,
        )
        for n in range(count)
    )
    through = Agency.formats.through
    through.objects.bulk_create(
        through(agency_id=a.pk, businessformat_id=f.pk) for a in rows for f in formats
    )
    Recognition.objects.bulk_create(
        Recognition(agency=a, kind_id="station", year=2026, granted_on=dt.date(2026, 4, 1))
        for a in rows[::5]
    )
    return rows


def _workers(agencies: list[Agency], count: int) -> None:
    start = dt.date(1960, 1, 1)
    people = []
    for n in range(count):
        person = Person(name=f"工人{n}")
        birth = start + dt.timedelta(days=next(_serial) % 9000)
        person.set_id_number(factories.id_number(birth=f"{birth:%Y%m%d}", seq=2 * (n % 400)))
        people.append(person)
    people = Person.objects.bulk_create(people)
    Worker.objects.bulk_create(
        Worker(
            person=p,
            agency=agencies[n % len(agencies)],
            job=["家政服务员", "养老护理员"][n % 2],
            hired_on=dt.date(2024, 1, 1),
            contract_kind="labour",
            contract_start=dt.date(2024, 1, 1),
            social_insurance=n % 2 == 0,
            insured_since=dt.date(2024, 1, 1) if n % 2 == 0 else None,
            health_check_on=dt.date(2026, 1, 1) if n % 4 else None,
            accident_insurance_until=dt.date(2027, 1, 1),
        )
        for n, p in enumerate(people)
    )


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("user_fixture", ["reviewer", "official"])
def test_agency_changelist_queries_do_not_grow_with_rows(db, request, user_fixture, client_for):
    client = client_for(request.getfixturevalue(user_fixture))
    url = reverse("admin:agencies_agency_changelist")
    _agencies(10)
    small = _count(client, url)
    _agencies(990)
    large = _count(client, url)
    assert Agency.objects.count() == 1000
    assert small == large


@pytest.mark.parametrize("user_fixture", ["reviewer", "official"])
def test_worker_changelist_queries_do_not_grow_with_rows(db, request, user_fixture, client_for):
    client = client_for(request.getfixturevalue(user_fixture))
    url = reverse("admin:agencies_worker_changelist")
    agencies = _agencies(3)
    _workers(agencies, 10)
    small = _count(client, url)
    _workers(agencies, 1000)
    large = _count(client, url)
    assert Worker.objects.count() >= 1000
    assert small == large


def test_recognition_and_filing_changelists_query_counts_are_flat(reviewer, client_for):
    client = client_for(reviewer)
    urls = [
        reverse("admin:agencies_recognition_changelist"),
        reverse("admin:agencies_employeesystemfiling_changelist"),
    ]
    _agencies(10)
    small = [_count(client, url) for url in urls]
    _agencies(990)
    large = [_count(client, url) for url in urls]
    assert Recognition.objects.count() == 200
    assert small == large
