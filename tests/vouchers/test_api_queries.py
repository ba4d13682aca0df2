"""Every voucher API list runs the same number of queries at 10 and at 1,000 rows."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.models import Street
from kunqu_jiafu.documents.services import document_store
from kunqu_jiafu.people.models import Person
from tests import factories
from tests.vouchers.test_api_common import batch, kind, png
from vouchers import codes
from vouchers.models import Application, Service, Settlement, TargetGroup, Voucher

_seq = itertools.count(1)


def _people(count: int) -> list[Person]:
    people = []
    for _ in range(count):
        n = next(_seq)
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=n)
        person = Person(name=f"持券人{n}")
        person.set_id_number(factories.id_number(birth=f"{birth:%Y%m%d}", seq=2))
        people.append(person)
    return Person.objects.bulk_create(people)


def _build(rows: int, *, reviewer, org, agency_user, worker, evidence) -> None:
    """``rows`` applications with their vouchers: every second one chosen by ``org``, every
    fourth one redeemed by it, plus ``rows`` settlement statements of ``org``."""
    the_batch = batch()
    now = timezone.now()
    streets = list(Street.objects.all())
    groups = list(TargetGroup.objects.all())
    applications = Application.objects.bulk_create(
        Application(
            batch=the_batch,
            number=f"JQ2026-{next(_seq):05d}",
            person=person,
            phone="13800000000",
            address="昆区钢铁大街1号",
            street=streets[i % len(streets)],
            target_group=groups[i % len(groups)],
            evidence=evidence,
            channel=Application.Channel.COUNTER,
            entered_by=reviewer,
            status=Application.Status.ISSUED,
            decided_by=reviewer,
            decided_at=now,
        )
        for i, person in enumerate(_people(rows))
    )
    vouchers = Voucher.objects.bulk_create(
        Voucher(
            batch=the_batch,
            application=application,
            person=application.person,
            code=codes.generate(),
            face_value=Decimal("200.00"),
            status=Voucher.Status.REDEEMED if i % 4 == 0 else Voucher.Status.ISSUED,
            issued_at=now,
            issued_by=reviewer,
            valid_until=the_batch.valid_until,
            agency=org if i % 2 == 0 else None,
            agency_chosen_at=now if i % 2 == 0 else None,
        )
        for i, application in enumerate(applications)
    )
    Service.objects.bulk_create(
        Service(
            voucher=voucher,
            agency=org,
            service_date=timezone.localdate(),
            kind=kind(),
            worker=worker,
            hours=Decimal("2.0"),
            redeemed_at=now,
            redeemed_by=agency_user,
        )
        for voucher in vouchers
        if voucher.status == Voucher.Status.REDEEMED
    )
    start = Settlement.objects.count()
    Settlement.objects.bulk_create(
        Settlement(
            batch=the_batch,
            agency=org,
            month=dt.date(1900 + (start + i) // 12, (start + i) % 12 + 1, 1),
            number=f"昆人社家券结〔Q〕{next(_seq):05d}号",
            voucher_count=1,
            amount=Decimal("200.00"),
            created_by=reviewer,
        )
        for i in range(rows)
    )


def _counts(client, urls: list[str]) -> dict[str, tuple[int, int]]:
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        body = response.json()
        counts[url] = (len(ctx), len(body["results"]) if "results" in body else 0)
    return counts


STAFF_URLS = [
    "/api/vouchers/",
    "/api/vouchers/?status=redeemed",
    "/api/voucher-applications/",
    "/api/voucher-applications/?status=issued",
    "/api/voucher-settlements/",
    "/api/voucher-batches/",
    "/api/vouchers/progress/",
]
AGENCY_URLS = ["/api/vouchers/", "/api/vouchers/?status=redeemed", "/api/voucher-settlements/"]


@pytest.mark.parametrize("actor", ["reviewer", "official", "agency_a"])
def test_voucher_lists_use_constant_queries(actor, request, reviewer, org_a, agency_a, client_for):
    user = request.getfixturevalue(actor)
    client = client_for(user)
    urls = AGENCY_URLS if actor == "agency_a" else STAFF_URLS
    evidence = document_store(png(), allowed=("image/png",), field="evidence")
    world = {
        "reviewer": reviewer,
        "org": org_a,
        "agency_user": agency_a,
        "worker": factories.make_worker(org_a),
        "evidence": evidence,
    }
    _build(10, **world)
    small = _counts(client, urls)
    _build(990, **world)
    large = _counts(client, urls)
    assert {u: q for u, (q, _n) in small.items()} == {u: q for u, (q, _n) in large.items()}
    # Full pages really served, scoped to the agency for its user.
    assert large["/api/vouchers/"][1] == 50
    assert large["/api/vouchers/?status=redeemed"][1] == 50
    assert large["/api/voucher-settlements/"][1] == 50
    total = client.get("/api/vouchers/").json()["count"]
    assert total == (500 if actor == "agency_a" else 1000)
    if actor != "agency_a":
        assert large["/api/voucher-applications/"][1] == 50
        progress = client.get("/api/vouchers/progress/").json()
        assert (progress["issued"], progress["redeemed"]) == (1000, 3 + 248)
