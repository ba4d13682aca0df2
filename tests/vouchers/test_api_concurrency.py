"""Concurrent redemptions through the API on PostgreSQL: each request in its own thread and
connection, the voucher's row lock deciding who goes first.

A pause after the idempotency lookup makes both requests pass it before either has written, so
the second one always meets the first one's committed service inside the locked section."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from kunqu_jiafu.accounts.roles import REVIEWER
from tests import factories
from tests.concurrency import outcomes, run_together, slowed
from tests.vouchers.test_api_common import chosen, kind
from vouchers import selectors
from vouchers.models import Service, Voucher

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="needs PostgreSQL (row locks and concurrent transactions)",
    ),
]

URL = "/api/vouchers/redeem/"


@pytest.fixture
def world():
    reviewer = factories.make_user("reviewer_race", REVIEWER)
    org = factories.make_agency("并发核销家政")
    user = factories.make_agency_user("agency_race", org)
    voucher = chosen(reviewer, org)
    worker = factories.make_worker(org)
    body = {
        "code": voucher.display_code,
        "service_date": timezone.localdate().isoformat(),
        "kind": kind().pk,
        "worker": worker.pk,
        "hours": "2.0",
    }
    return user, voucher, body


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _call(client: Client, body: dict, key: str):
    return lambda: client.post(
        URL, body, content_type="application/json", headers={"Idempotency-Key": key}
    )


def test_concurrent_requests_with_one_key_make_one_service_and_report_it_both(world, monkeypatch):
    user, voucher, body = world
    slowed(monkeypatch, selectors, "service_by_key")
    results = run_together(
        _call(_client(user), body, "same-key"), _call(_client(user), body, "same-key")
    )
    responses, errors = outcomes(results)
    assert not errors, errors
    assert sorted(r.status_code for r in responses) == [200, 201], [r.content for r in responses]
    assert Service.objects.count() == 1
    service = Service.objects.get()
    assert {r.json()["id"] for r in responses} == {service.pk}
    assert responses[0].content == responses[1].content
    replayed = next(r for r in responses if r.status_code == 200)
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert Voucher.objects.get(pk=voucher.pk).status == Voucher.Status.REDEEMED


def test_concurrent_requests_with_different_keys_redeem_once(world, monkeypatch):
    user, voucher, body = world
    slowed(monkeypatch, selectors, "service_by_key")
    results = run_together(_call(_client(user), body, "key-a"), _call(_client(user), body, "key-b"))
    responses, errors = outcomes(results)
    assert not errors, errors
    assert sorted(r.status_code for r in responses) == [201, 400]
    refused = next(r for r in responses if r.status_code == 400)
    assert list(refused.json()) == ["code"]
    assert Service.objects.count() == 1


def test_concurrent_requests_reusing_a_key_for_other_content_are_422(world, monkeypatch):
    user, voucher, body = world
    slowed(monkeypatch, selectors, "service_by_key")
    other = body | {"hours": "3.0"}
    results = run_together(_call(_client(user), body, "k"), _call(_client(user), other, "k"))
    responses, errors = outcomes(results)
    assert not errors, errors
    assert sorted(r.status_code for r in responses) == [201, 422]
    refused = next(r for r in responses if r.status_code == 422)
    assert list(refused.json()) == ["idempotency_key"]
    assert Service.objects.count() == 1


def test_one_key_sent_at_once_for_two_vouchers_tells_the_loser_the_key_was_reused(
    world, monkeypatch
):
    """Issue 9: the loser's voucher was never touched, so "just redeemed by another request"
    was false; the key is what clashed, and the loser is told so (422 under idempotency_key)."""
    user, voucher, body = world
    reviewer = factories.make_user("reviewer_race_2", REVIEWER)
    other_voucher = chosen(reviewer, voucher.agency)
    other = body | {"code": other_voucher.display_code}
    slowed(monkeypatch, selectors, "service_by_key")
    results = run_together(
        _call(_client(user), body, "one-key"), _call(_client(user), other, "one-key")
    )
    responses, errors = outcomes(results)
    assert not errors, errors
    assert sorted(r.status_code for r in responses) == [201, 422], [r.content for r in responses]
    refused = next(r for r in responses if r.status_code == 422)
    assert list(refused.json()) == ["idempotency_key"]
    assert "Idempotency-Key" in refused.json()["idempotency_key"][0]
    winner = Service.objects.get()
    loser_pk = other_voucher.pk if winner.voucher_id == voucher.pk else voucher.pk
    assert Voucher.objects.get(pk=loser_pk).status == Voucher.Status.ISSUED
