"""POST /api/vouchers/redeem/: the agency records the home service and redeems the voucher once.

With an ``Idempotency-Key`` a retried request answers 200 with the first body (and
``Idempotent-Replayed: true``) instead of failing or redeeming twice; the key reused for other
content is 422 under ``idempotency_key``; everything else the service refuses is 400 under the
field it names."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories
from tests.vouchers.test_api_common import chosen, kind, post
from vouchers import codes
from vouchers.models import Service, Voucher
from vouchers.services.verification import voucher_verify

URL = "/api/vouchers/redeem/"


@pytest.fixture
def setting(reviewer, org_a, agency_a):
    """Agency A's user, a voucher whose holder chose agency A, and one of A's workers."""
    return chosen(reviewer, org_a), factories.make_worker(org_a)


def _body(voucher, by, **extra) -> dict:
    return {
        "code": voucher.display_code,
        "service_date": timezone.localdate().isoformat(),
        "kind": kind().pk,
        "worker": by.pk,
        "hours": "2.5",
        "note": "打扫厨房",
    } | extra


def _redeem(client, body, key: str | None = None):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return post(client, URL, body, **headers)


def test_the_first_redemption_is_201_with_the_service_record(setting, agency_a, client_for):
    voucher, worker = setting
    response = _redeem(client_for(agency_a), _body(voucher, worker), key="k-001")
    assert response.status_code == 201, response.content
    data = response.json()
    service = Service.objects.get()
    assert data["id"] == service.pk and data["voucher"] == voucher.pk
    assert data["voucher_code"] == voucher.display_code
    assert (data["hours"], data["worker"], data["kind"]) == ("2.5", worker.pk, kind().pk)
    assert data["idempotency_key"] == "k-001"
    assert data["redeemed_by_name"] == agency_a.get_username()
    assert "Idempotent-Replayed" not in response.headers
    assert Voucher.objects.get(pk=voucher.pk).status == Voucher.Status.REDEEMED


def test_the_same_key_and_body_replays_the_same_answer_and_keeps_one_service(
    setting, agency_a, client_for
):
    voucher, worker = setting
    client = client_for(agency_a)
    first = _redeem(client, _body(voucher, worker), key="retry-1")
    again = _redeem(client, _body(voucher, worker), key="retry-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.content == first.content  # byte for byte
    assert again.headers["Idempotent-Replayed"] == "true"
    assert Service.objects.count() == 1


def test_a_replay_matches_the_code_however_it_was_typed(setting, agency_a, client_for):
    voucher, worker = setting
    client = client_for(agency_a)
    first = _redeem(client, _body(voucher, worker), key="typed")
    again = _redeem(client, _body(voucher, worker, code=voucher.code.lower()), key="typed")
    assert again.status_code == 200 and again.json() == first.json()


def test_a_replay_after_verification_still_returns_the_first_body(
    setting, agency_a, reviewer, client_for
):
    voucher, worker = setting
    client = client_for(agency_a)
    first = _redeem(client, _body(voucher, worker), key="late-retry")
    voucher_verify(actor=reviewer, voucher=voucher, passed=True)
    again = _redeem(client, _body(voucher, worker), key="late-retry")
    assert again.status_code == 200 and again.content == first.content


def test_the_same_key_with_another_body_is_422_under_the_key(setting, agency_a, client_for):
    voucher, worker = setting
    client = client_for(agency_a)
    assert _redeem(client, _body(voucher, worker), key="k-9").status_code == 201
    response = _redeem(client, _body(voucher, worker, hours="3.0"), key="k-9")
    assert response.status_code == 422
    assert list(response.json()) == ["idempotency_key"]
    service = Service.objects.get()
    assert str(service.hours) == "2.5"


def test_a_second_redemption_without_a_key_says_when_and_by_whom(
    setting, agency_a, org_a, client_for
):
    voucher, worker = setting
    client = client_for(agency_a)
    assert _redeem(client, _body(voucher, worker)).status_code == 201
    response = _redeem(client, _body(voucher, worker))
    assert response.status_code == 400
    message = response.json()["code"][0]
    service = Service.objects.get()
    assert org_a.name in message and agency_a.get_username() in message
    assert f"{timezone.localtime(service.redeemed_at):%Y-%m-%d %H:%M}" in message
    assert Service.objects.count() == 1


def test_two_different_keys_for_one_voucher_redeem_it_once(setting, agency_a, client_for):
    voucher, worker = setting
    client = client_for(agency_a)
    assert _redeem(client, _body(voucher, worker), key="first").status_code == 201
    second = _redeem(client, _body(voucher, worker), key="second")
    assert second.status_code == 400 and list(second.json()) == ["code"]
    assert Service.objects.count() == 1
    assert Service.objects.get().idempotency_key == "first"


def test_a_mistyped_code_is_refused_by_its_check_character_before_any_lookup(
    setting, agency_a, client_for
):
    voucher, worker = setting
    code = voucher.code
    wrong = codes.ALPHABET[(codes.ALPHABET.index(code[3]) + 1) % codes.MODULUS]
    typo = code[:3] + wrong + code[4:]
    with pytest.raises(ValidationError) as expected:
        codes.parse(typo)
    client = client_for(agency_a)
    with CaptureQueriesContext(connection) as queries:
        response = _redeem(client, _body(voucher, worker, code=typo), key="typo")
    assert response.status_code == 400
    assert response.json()["code"] == expected.value.message_dict["code"]
    assert not any("vouchers_voucher" in q["sql"] for q in queries.captured_queries)
    assert not Service.objects.exists()
    # The key was not spent on the refused request.
    assert _redeem(client, _body(voucher, worker), key="typo").status_code == 201


@pytest.mark.parametrize("typed", ["", "ABC", "I0O1-LLLL-LLL"])
def test_malformed_codes_are_refused_under_code(typed, setting, agency_a, client_for):
    voucher, worker = setting
    response = _redeem(client_for(agency_a), _body(voucher, worker, code=typed))
    assert response.status_code == 400 and "code" in response.json()
    assert not Service.objects.exists()


def test_only_the_chosen_agency_redeems(setting, agency_b, org_b, client_for):
    voucher, _worker = setting
    theirs = factories.make_worker(org_b)
    response = _redeem(client_for(agency_b), _body(voucher, theirs), key="b-1")
    assert response.status_code == 400 and "code" in response.json()
    assert not Service.objects.exists()


def test_keys_belong_to_one_agency(reviewer, org_a, org_b, agency_a, agency_b, client_for):
    ours, theirs = chosen(reviewer, org_a), chosen(reviewer, org_b)
    a = _redeem(client_for(agency_a), _body(ours, factories.make_worker(org_a)), key="shared")
    b = _redeem(client_for(agency_b), _body(theirs, factories.make_worker(org_b)), key="shared")
    assert (a.status_code, b.status_code) == (201, 201)
    assert Service.objects.count() == 2


def test_bad_fields_are_named_and_nothing_is_redeemed(setting, agency_a, org_b, client_for):
    voucher, worker = setting
    client = client_for(agency_a)
    other_agencys = factories.make_worker(org_b)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    cases = [
        ({"worker": other_agencys.pk}, "worker"),
        ({"service_date": tomorrow}, "service_date"),
        ({"service_date": "上周"}, "service_date"),
        ({"hours": "30"}, "hours"),
        ({"hours": "0"}, "hours"),
        ({"kind": 999999}, "kind"),
    ]
    for change, field in cases:
        response = _redeem(client, _body(voucher, worker, **change), key=f"bad-{field}")
        assert response.status_code == 400, (change, response.content)
        assert field in response.json(), (change, response.json())
    missing = _redeem(client, {"code": voucher.code})
    assert missing.status_code == 400
    assert {"service_date", "kind", "worker", "hours"} <= set(missing.json())
    assert not Service.objects.exists()
    assert Voucher.objects.get(pk=voucher.pk).status == Voucher.Status.ISSUED


def test_an_overlong_idempotency_key_is_refused(setting, agency_a, client_for):
    voucher, worker = setting
    response = _redeem(client_for(agency_a), _body(voucher, worker), key="k" * 101)
    assert response.status_code == 400 and "idempotency_key" in response.json()
    assert not Service.objects.exists()
