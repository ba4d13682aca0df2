"""GET /api/vouchers/progress/ (应发尽发): the batch's figures equal the records, for staff and
officials, for the current batch or the one asked for."""

from __future__ import annotations

import pytest

from tests.vouchers.test_api_common import application, issued, small_batch, verified
from vouchers.services.issue import voucher_void


@pytest.mark.parametrize("actor", ["reviewer", "approver", "official"])
def test_progress_of_the_current_batch_equals_the_records(
    actor, request, reviewer, org_a, agency_a, client_for
):
    verified(reviewer, agency_a, org_a, group_code="hard_to_employ")
    issued(reviewer, group_code="unemployed")
    voided = issued(reviewer, group_code="unemployed")
    voucher_void(actor=reviewer, voucher=voided, reason="误发")
    application(reviewer, group_code="model_worker")  # waiting
    body = client_for(request.getfixturevalue(actor)).get("/api/vouchers/progress/").json()
    assert body["batch"]["name"] == "2026年促进就业券"
    assert (body["count"], body["total"], body["face_value"]) == (5000, "1000000.00", "200.00")
    assert (body["issued"], body["issued_amount"]) == (2, "400.00")
    assert (body["redeemed"], body["verified"], body["reimbursed"], body["voided"]) == (1, 1, 0, 1)
    assert (body["remaining"], body["remaining_amount"]) == (4998, "999600.00")
    assert body["applications"] == {"total": 4, "waiting": 1, "approved": 1, "rejected": 0}
    assert body["percent"]["issued"] == round(2 * 100 / 5000, 2) == 0.04
    groups = {row["name"]: row["issued"] for row in body["by_group"]}
    assert groups["就业困难人员"] == 1 and groups["城镇失业人员"] == 1
    assert sum(row["issued"] for row in body["by_street"]) == 2


def test_progress_of_another_batch_and_bad_batch_ids(reviewer, official, client_for):
    other = small_batch(4)
    issued(reviewer, the_batch=other)
    client = client_for(official)
    body = client.get(f"/api/vouchers/progress/?batch={other.pk}").json()
    assert (body["batch"]["id"], body["count"], body["issued"], body["remaining"]) == (
        other.pk,
        4,
        1,
        3,
    )
    assert body["percent"]["issued"] == 25.0
    for bad in ("abc", "999999", "-1"):
        response = client.get(f"/api/vouchers/progress/?batch={bad}")
        assert response.status_code == 400 and "batch" in response.json(), bad
