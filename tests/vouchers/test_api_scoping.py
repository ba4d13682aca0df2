"""Who sees what through the voucher API: staff everything, officials everything with masked ID
numbers and no writes, agency users only the vouchers whose holders chose them and their own
statements; filters and the code search narrow what the selectors scoped."""

from __future__ import annotations

import pytest

from tests import factories
from tests.id_search import api_token
from tests.vouchers.test_api_common import (
    application,
    batch,
    chosen,
    group,
    issued,
    post,
    redeemed,
    settlement,
    small_batch,
    street,
)
from vouchers.models import Application, FollowUp, Settlement, Voucher, VoucherBatch
from vouchers.services.applications import application_decide
from vouchers.services.issue import voucher_void


def _ids(client, url: str) -> set[int]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --- vouchers ----------------------------------------------------------------------------------


def test_an_agency_sees_only_vouchers_whose_holders_chose_it(
    org_a, org_b, agency_a, reviewer, client_for
):
    ours = chosen(reviewer, org_a, name="甲户")
    theirs = chosen(reviewer, org_b, name="乙户")
    unchosen = issued(reviewer, name="未选户")
    client = client_for(agency_a)
    assert _ids(client, "/api/vouchers/") == {ours.pk}
    assert client.get(f"/api/vouchers/{theirs.pk}/").status_code == 404
    assert client.get(f"/api/vouchers/{unchosen.pk}/").status_code == 404
    row = client.get(f"/api/vouchers/{ours.pk}/").json()
    # The agency contacts the household: name, phone and address, but never the full ID.
    assert row["holder_name"] == "甲户" and row["phone"] and row["address"]
    assert "*" in row["holder_id_number"]
    assert row["holder_id_number"] != ours.person.id_number
    assert row["code"] == ours.display_code and row["agency_name"] == org_a.name


@pytest.mark.parametrize("actor", ["reviewer", "approver", "official"])
def test_staff_and_officials_see_every_voucher(actor, request, org_a, org_b, reviewer, client_for):
    vouchers = {chosen(reviewer, org_a).pk, chosen(reviewer, org_b).pk, issued(reviewer).pk}
    assert _ids(client_for(request.getfixturevalue(actor)), "/api/vouchers/") == vouchers


@pytest.mark.parametrize(
    ("actor", "full"), [("reviewer", True), ("approver", True), ("official", False)]
)
def test_holder_id_is_full_only_for_reviewers_and_approvers(
    actor, full, request, reviewer, client_for
):
    voucher = issued(reviewer)
    client = client_for(request.getfixturevalue(actor))
    shown = client.get(f"/api/vouchers/{voucher.pk}/").json()["holder_id_number"]
    app = client.get(f"/api/voucher-applications/{voucher.application_id}/").json()
    assert (shown == voucher.person.id_number) is full
    assert (app["id_number"] == voucher.person.id_number) is full
    if not full:
        assert shown == voucher.person.id_masked and "*" in shown


def test_voucher_filters_narrow_by_status_agency_group_street_and_batch(
    org_a, org_b, reviewer, client_for
):
    a = chosen(reviewer, org_a, group_code="unemployed", street_at=0)
    b = chosen(reviewer, org_b, group_code="hard_to_employ", street_at=1)
    c = issued(reviewer, group_code="model_worker", street_at=1)
    voucher_void(actor=reviewer, voucher=c, reason="重复发放")
    other = small_batch(1)
    d = issued(reviewer, the_batch=other)
    client = client_for(reviewer)
    assert _ids(client, "/api/vouchers/?status=voided") == {c.pk}
    assert _ids(client, "/api/vouchers/?status=issued&status=voided") == {a.pk, b.pk, c.pk, d.pk}
    assert _ids(client, f"/api/vouchers/?agency={org_b.pk}") == {b.pk}
    assert _ids(client, f"/api/vouchers/?target_group={group('hard_to_employ').pk}") == {b.pk}
    assert _ids(client, f"/api/vouchers/?street={street(1).pk}") == {b.pk, c.pk}
    assert _ids(client, f"/api/vouchers/?batch={other.pk}") == {d.pk}
    assert client.get("/api/vouchers/?status=nonsense").status_code == 400


def test_voucher_search_finds_the_code_however_it_was_typed(reviewer, client_for):
    voucher = issued(reviewer, name="王秀英")
    issued(reviewer, name="张三")
    client = client_for(reviewer)
    code = voucher.code
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in code.lower())
    for typed in (voucher.display_code, code.lower(), f"{code[:4]} {code[4:8]}", full_width):
        assert _ids(client, f"/api/vouchers/?search={typed}") == {voucher.pk}, typed
    assert _ids(client, "/api/vouchers/?search=王秀英") == {voucher.pk}
    assert _ids(client, f"/api/vouchers/?search={voucher.application.number}") == {voucher.pk}


def test_search_by_full_id_works_for_reviewers_but_not_for_officials(
    reviewer, official, client_for
):
    voucher = issued(reviewer)
    issued(reviewer)
    number = voucher.person.id_number
    client = client_for(reviewer)
    token = api_token(client, number)
    assert _ids(client, f"/api/vouchers/?id_token={token}") == {voucher.pk}
    assert _ids(client, f"/api/voucher-applications/?id_token={token}") == {voucher.application_id}
    # The number itself is refused in the address (access logs), for everyone.
    assert client.get(f"/api/vouchers/?search={number}").status_code == 400
    # An official searching by a full number learns nothing about who applied.
    client = client_for(official)
    token = api_token(client, number)
    assert _ids(client, f"/api/vouchers/?id_token={token}") == set()
    assert _ids(client, f"/api/voucher-applications/?id_token={token}") == set()


# --- applications, batches, target groups, progress: staff only -------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/target-groups/",
        "/api/voucher-batches/",
        "/api/voucher-applications/",
        "/api/vouchers/progress/",
    ],
)
def test_agency_users_are_refused_the_staff_lists(url, agency_a, client_for):
    assert client_for(agency_a).get(url).status_code == 403


def test_an_agency_cannot_read_an_application_or_a_batch(agency_a, reviewer, client_for):
    app = application(reviewer)
    client = client_for(agency_a)
    assert client.get(f"/api/voucher-applications/{app.pk}/").status_code == 403
    assert client.get(f"/api/voucher-batches/{batch().pk}/").status_code == 403


@pytest.mark.parametrize("actor", ["reviewer", "approver", "official"])
def test_staff_read_batches_groups_and_applications(actor, request, reviewer, client_for):
    app = application(reviewer)
    client = client_for(request.getfixturevalue(actor))
    batches = client.get("/api/voucher-batches/").json()["results"]
    assert [b["name"] for b in batches] == ["促进就业券"]
    assert batches[0]["remaining_count"] == 5000 and batches[0]["remaining_amount"] == "1000000.00"
    groups = {g["code"] for g in client.get("/api/target-groups/").json()["results"]}
    assert {"unemployed", "hard_to_employ", "model_worker"} <= groups
    assert _ids(client, "/api/voucher-applications/") == {app.pk}


def test_application_filters_and_search(reviewer, client_for):
    a = application(reviewer, name="李桂兰", group_code="unemployed", street_at=0)
    b = application(reviewer, name="赵淑珍", group_code="model_worker", street_at=1)
    application_decide(actor=reviewer, application=b, approve=False, reason="材料不符")
    other = small_batch(2)
    c = application(reviewer, the_batch=other, name="钱玉兰")
    client = client_for(reviewer)
    assert _ids(client, "/api/voucher-applications/?status=rejected") == {b.pk}
    assert _ids(client, f"/api/voucher-applications/?target_group={group('model_worker').pk}") == {
        b.pk
    }
    assert _ids(client, f"/api/voucher-applications/?street={street(0).pk}") == {a.pk, c.pk}
    assert _ids(client, f"/api/voucher-applications/?batch={other.pk}") == {c.pk}
    assert _ids(client, "/api/voucher-applications/?search=赵淑珍") == {b.pk}
    assert _ids(client, f"/api/voucher-applications/?search={a.number.lower()}") == {a.pk}


# --- settlements -------------------------------------------------------------------------------


def test_an_agency_sees_only_its_own_settlements(
    org_a, org_b, agency_a, agency_b, reviewer, client_for
):
    ours = settlement(reviewer, agency_a, org_a)
    theirs = settlement(reviewer, agency_b, org_b)
    client = client_for(agency_a)
    assert _ids(client, "/api/voucher-settlements/") == {ours.pk}
    assert client.get(f"/api/voucher-settlements/{theirs.pk}/").status_code == 404
    detail = client.get(f"/api/voucher-settlements/{ours.pk}/").json()
    assert detail["amount"] == "200.00" and len(detail["lines"]) == 1
    assert "*" in detail["lines"][0]["holder_id_number"]
    assert _ids(client_for(reviewer), "/api/voucher-settlements/") == {ours.pk, theirs.pk}


# --- writes: officials never, agency users only redeem ---------------------------------------


def _write_calls(voucher_pk, app_pk, settlement_pk, batch_pk, org_pk):
    return [
        ("patch", f"/api/voucher-batches/{batch_pk}/", {"name": "改名"}),
        ("post", "/api/voucher-applications/", {"name": "某某"}),
        ("post", f"/api/voucher-applications/{app_pk}/approve/", {}),
        ("post", f"/api/voucher-applications/{app_pk}/reject/", {"reason": "不符"}),
        ("post", f"/api/voucher-applications/{app_pk}/issue/", {}),
        ("post", f"/api/vouchers/{voucher_pk}/void/", {"reason": "作废"}),
        ("post", f"/api/vouchers/{voucher_pk}/choose-agency/", {"agency": org_pk}),
        ("post", f"/api/vouchers/{voucher_pk}/follow-ups/", {"reached": True, "satisfaction": 5}),
        ("post", f"/api/vouchers/{voucher_pk}/verify/", {"passed": True}),
        ("post", "/api/vouchers/redeem/", {"code": "2222-2222-222"}),
        ("post", "/api/voucher-settlements/", {"agency": org_pk, "month": "2026-11"}),
        ("post", f"/api/voucher-settlements/{settlement_pk}/mark-paid/", {"paid_on": "2026-11-01"}),
    ]


def _snapshot():
    return (
        list(VoucherBatch.objects.values_list("name", "issued_count")),
        list(Application.objects.values_list("pk", "status")),
        list(Voucher.objects.values_list("pk", "status", "agency_id")),
        FollowUp.objects.count(),
        list(Settlement.objects.values_list("pk", "status")),
    )


def test_officials_get_403_on_every_write_and_nothing_changes(
    official, org_a, agency_a, reviewer, client_for
):
    paid = settlement(reviewer, agency_a, org_a)
    voucher, _service = redeemed(reviewer, agency_a, org_a)
    app = application(reviewer)
    before = _snapshot()
    client = client_for(official)
    for method, url, body in _write_calls(voucher.pk, app.pk, paid.pk, batch().pk, org_a.pk):
        response = getattr(client, method)(url, body, content_type="application/json")
        assert response.status_code == 403, (url, response.status_code)
    assert _snapshot() == before


def test_agency_users_get_403_on_staff_writes_to_their_own_voucher(
    org_a, agency_a, reviewer, client_for
):
    voucher = chosen(reviewer, org_a)
    ours = settlement(reviewer, agency_a, org_a)
    app = application(reviewer)
    before = _snapshot()
    client = client_for(agency_a)
    for method, url, body in _write_calls(voucher.pk, app.pk, ours.pk, batch().pk, org_a.pk):
        if url.endswith("/redeem/"):
            continue  # theirs to do
        response = getattr(client, method)(url, body, content_type="application/json")
        assert response.status_code == 403, (url, response.status_code)
    assert client.get(f"/api/vouchers/{voucher.pk}/follow-ups/").status_code == 403
    assert client.get(f"/api/vouchers/{voucher.pk}/pdf/").status_code == 403
    assert _snapshot() == before


def test_staff_cannot_redeem(reviewer, org_a, client_for):
    voucher = chosen(reviewer, org_a)
    response = post(
        client_for(reviewer),
        "/api/vouchers/redeem/",
        {"code": voucher.code, "service_date": "2026-11-01", "kind": 1, "worker": 1, "hours": 2},
    )
    assert response.status_code == 403
    voucher.refresh_from_db()
    assert voucher.status == Voucher.Status.ISSUED


def test_a_user_without_a_role_sees_nothing(client_for, reviewer, org_a):
    chosen(reviewer, org_a)
    nobody = factories.make_user("nobody")
    client = client_for(nobody)
    assert client.get("/api/vouchers/").json()["count"] == 0
    assert client.get("/api/voucher-settlements/").json()["count"] == 0
    assert client.get("/api/voucher-applications/").status_code == 403
