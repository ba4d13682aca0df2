"""Every voucher admin list (and the progress page) runs the same number of queries at 10 and
at 1,000 rows. The rows are written in bulk here; the services are tested elsewhere."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agencies.models import BusinessFormat, Street
from kunqu_jiafu.people.models import Person
from tests import factories
from tests.agencies.test_admin_queries import _agencies
from vouchers import codes
from vouchers.models import (
    Application,
    FollowUp,
    Participation,
    Service,
    Settlement,
    TargetGroup,
    Voucher,
    VoucherBatch,
)

_serial = itertools.count(1)
TODAY = timezone.localdate()


def _people(count: int) -> list[Person]:
    people = []
    for _n in range(count):
        k = next(_serial)
        born = dt.date(1950, 1, 1) + dt.timedelta(days=k)
        person = Person(name=f"居民{k}")
        person.set_id_number(factories.id_number(birth=f"{born:%Y%m%d}", seq=2 * (k % 400) + 2))
        people.append(person)
    return Person.objects.bulk_create(people)


def _vouchers(batch, agency, worker, staff, count: int) -> None:
    """``count`` issued applications with vouchers: a third unused, a third redeemed, a third
    verified with a follow-up call."""
    now = timezone.now()
    streets = list(Street.objects.all())
    groups = list(TargetGroup.objects.all())
    people = _people(count)
    applications = Application.objects.bulk_create(
        Application(
            batch=batch,
            number=f"JQ{batch.year}-{next(_serial):05d}",
            person=person,
            phone="13900000000",
            address="昆都仑区钢铁大街1号",
            street=streets[n % len(streets)],
            target_group=groups[n % len(groups)],
            channel=Application.Channel.ONLINE if n % 2 else Application.Channel.COUNTER,
            entered_by=None if n % 2 else staff,
            status=Application.Status.ISSUED,
            decided_by=staff,
            decided_at=now,
        )
        for n, person in enumerate(people)
    )
    states = [Voucher.Status.ISSUED, Voucher.Status.REDEEMED, Voucher.Status.VERIFIED]
    vouchers = Voucher.objects.bulk_create(
        Voucher(
            batch=batch,
            application=application,
            person=application.person,
            code=codes.generate(),
            face_value=batch.face_value,
            status=states[n % 3],
            issued_at=now,
            issued_by=staff,
            valid_until=batch.valid_until,
            agency=None if n % 3 == 0 else agency,
            verified_at=now if n % 3 == 2 else None,
            verified_by=staff if n % 3 == 2 else None,
        )
        for n, application in enumerate(applications)
    )
    kind = BusinessFormat.objects.first()
    used = [v for v in vouchers if v.status != Voucher.Status.ISSUED]
    Service.objects.bulk_create(
        Service(
            voucher=v,
            agency=agency,
            service_date=TODAY,
            kind=kind,
            worker=worker,
            hours=Decimal("2.0"),
            redeemed_at=now,
            redeemed_by=staff,
        )
        for v in used
    )
    FollowUp.objects.bulk_create(
        FollowUp(
            voucher=v,
            called_on=TODAY,
            reached=True,
            satisfaction=4,
            remarks="满意",
            recorded_by=staff,
        )
        for v in used
        if v.status == Voucher.Status.VERIFIED
    )


def _settlements(batch, agencies, staff, count: int) -> None:
    Settlement.objects.bulk_create(
        Settlement(
            batch=batch,
            agency=agencies[n % len(agencies)],
            month=dt.date(1990 + k // 12, k % 12 + 1, 1),
            number=f"昆人社家券结〔{1990 + k // 12}〕{k:04d}号",
            voucher_count=1,
            amount=batch.face_value,
            status=Settlement.Status.PAID if n % 2 else Settlement.Status.ISSUED,
            created_by=staff,
            paid_on=TODAY if n % 2 else None,
            paid_by=staff if n % 2 else None,
        )
        for n, k in ((n, next(_serial)) for n in range(count))
    )


def _participations(batch, agencies) -> None:
    Participation.objects.bulk_create(
        Participation(batch=batch, agency=a, joined_on=TODAY, active=n % 5 != 0)
        for n, a in enumerate(agencies)
    )


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


LISTS = [
    "admin:vouchers_application_changelist",
    "admin:vouchers_voucher_changelist",
    "admin:vouchers_service_changelist",
    "admin:vouchers_followup_changelist",
    "admin:vouchers_settlement_changelist",
    "admin:vouchers_participation_changelist",
    "admin:vouchers_voucherbatch_changelist",
    "admin:vouchers_targetgroup_changelist",
    "admin:vouchers_progress",
]


@pytest.mark.parametrize("user_fixture", ["reviewer", "official"])
def test_voucher_admin_lists_run_the_same_queries_at_10_and_1000_rows(
    db, request, user_fixture, org_a, reviewer, client_for
):
    client = client_for(request.getfixturevalue(user_fixture))
    batch = VoucherBatch.objects.get(year=2026)
    worker = factories.make_worker(org_a)
    urls = [reverse(name) for name in LISTS]
    urls += [
        reverse("admin:vouchers_voucher_changelist") + "?followed_up=yes&status__exact=verified",
        reverse("admin:vouchers_application_changelist") + "?q=居民",
    ]

    _vouchers(batch, org_a, worker, reviewer, 10)
    _settlements(batch, [org_a], reviewer, 10)
    _participations(batch, _agencies(10))
    small = [_count(client, url) for url in urls]

    _vouchers(batch, org_a, worker, reviewer, 990)
    _settlements(batch, [org_a], reviewer, 990)
    _participations(batch, _agencies(990))
    large = [_count(client, url) for url in urls]

    assert Voucher.objects.count() == Application.objects.count() == 1000
    assert Settlement.objects.count() == Participation.objects.count() == 1000
    assert FollowUp.objects.count() >= 330
    assert dict(zip(urls, small, strict=True)) == dict(zip(urls, large, strict=True))
