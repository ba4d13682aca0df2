"""Every write of the voucher API goes through a service: its success, and its bad input answered
with 400 naming the field and nothing partly written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from kunqu_jiafu.accounts.roles import APPROVER
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.documents.models import Document
from kunqu_jiafu.people.models import Person
from tests import factories
from tests.vouchers.test_api_common import (
    application,
    approved,
    batch,
    group,
    issued,
    join,
    png,
    post,
    redeemed,
    small_batch,
    street,
    verified,
)
from vouchers.models import Application, FollowUp, Settlement, Voucher, VoucherBatch
from vouchers.services.settlement import settlement_create

TODAY = timezone.localdate


# --- batches -----------------------------------------------------------------------------------


def test_a_reviewer_patches_the_batch_through_the_service(reviewer, client_for):
    the_batch = batch()
    response = client_for(reviewer).patch(
        f"/api/voucher-batches/{the_batch.pk}/",
        {"name": "促进就业券（第一批）", "applications_close_on": "2026-12-20"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    the_batch.refresh_from_db()
    assert the_batch.name == "促进就业券（第一批）"
    assert the_batch.applications_close_on == dt.date(2026, 12, 20)
    assert response.json()["remaining_count"] == 5000
    assert AuditEntry.objects.filter(action="vouchers.batch.saved").count() == 1


def test_a_batch_total_that_is_not_count_times_value_is_refused(approver, client_for):
    the_batch = batch()
    response = client_for(approver).patch(
        f"/api/voucher-batches/{the_batch.pk}/",
        {"count": 6000, "name": "不应保存"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "total" in response.json()
    the_batch.refresh_from_db()
    assert (the_batch.count, the_batch.name) == (5000, "促进就业券")


def test_a_batch_cannot_shrink_below_what_is_out(reviewer, client_for):
    the_batch = small_batch(2)
    issued(reviewer, the_batch=the_batch)
    issued(reviewer, the_batch=the_batch)
    response = client_for(reviewer).patch(
        f"/api/voucher-batches/{the_batch.pk}/",
        {"count": 1, "total": "200.00"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "count" in response.json()
    assert VoucherBatch.objects.get(pk=the_batch.pk).count == 2


def test_a_batch_patch_with_a_bad_type_names_the_field(reviewer, client_for):
    response = client_for(reviewer).patch(
        f"/api/voucher-batches/{batch().pk}/",
        {"valid_until": "明年", "status": "maybe"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert {"valid_until", "status"} <= set(response.json())


# --- applications ------------------------------------------------------------------------------


def _application_body(**extra) -> dict:
    return {
        "id_number": factories.id_number(),
        "name": "李桂兰",
        "phone": "13800000000",
        "address": "昆区钢铁大街1号",
        "head_id_number": factories.id_number(),
        "street": street().pk,
        "target_group": group().pk,
    } | extra


def test_a_reviewer_enters_an_application_with_evidence_as_multipart(reviewer, client_for):
    body = _application_body(evidence=png(), note="柜台代录")
    response = client_for(reviewer).post("/api/voucher-applications/", body)
    assert response.status_code == 201, response.content
    data = response.json()
    app = Application.objects.get(pk=data["id"])
    assert app.channel == Application.Channel.COUNTER and app.entered_by == reviewer
    assert app.batch == batch() and app.evidence is not None
    assert data["number"].startswith("JQ2026-") and data["status"] == "submitted"
    assert data["id_number"] == body["id_number"]  # a reviewer sees the full number
    assert data["evidence_url"] == app.evidence.get_absolute_url()


def test_a_reviewer_enters_an_application_without_evidence_as_json(reviewer, client_for):
    response = post(client_for(reviewer), "/api/voucher-applications/", _application_body())
    assert response.status_code == 201, response.content
    assert response.json()["evidence_url"] is None


def test_a_bad_id_number_is_refused_and_nothing_is_stored(reviewer, client_for):
    body = _application_body(id_number="150203198503151234", evidence=png())
    response = client_for(reviewer).post("/api/voucher-applications/", body)
    assert response.status_code == 400
    assert "id_number" in response.json()
    assert not Application.objects.exists()
    assert not Person.objects.exists()
    assert not Document.objects.exists()


def test_an_evidence_file_that_is_not_an_image_or_pdf_names_the_field(reviewer, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("card.png", b"MZ not an image", content_type="image/png")
    response = client_for(reviewer).post(
        "/api/voucher-applications/", _application_body(evidence=fake)
    )
    assert response.status_code == 400 and "evidence" in response.json()
    assert not Application.objects.exists() and not Document.objects.exists()


def test_a_household_applies_once_per_batch(reviewer, client_for):
    number = factories.id_number()
    client = client_for(reviewer)
    assert (
        post(client, "/api/voucher-applications/", _application_body(id_number=number)).status_code
        == 201
    )
    again = post(client, "/api/voucher-applications/", _application_body(id_number=number))
    assert again.status_code == 400 and "id_number" in again.json()
    assert Application.objects.count() == 1


def test_missing_and_blank_fields_are_named(reviewer, client_for):
    client = client_for(reviewer)
    response = post(client, "/api/voucher-applications/", {"name": "李桂兰"})
    assert response.status_code == 400
    assert {"id_number", "street", "target_group"} <= set(response.json())
    blank = post(client, "/api/voucher-applications/", _application_body(phone="  ", address=""))
    assert blank.status_code == 400 and {"phone", "address"} <= set(blank.json())
    assert not Application.objects.exists()


def test_a_reviewer_approves_and_rejects_with_a_reason(reviewer, client_for):
    a, b = application(reviewer), application(reviewer)
    client = client_for(reviewer)
    ok = post(client, f"/api/voucher-applications/{a.pk}/approve/")
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    assert ok.json()["decided_by_name"] == "赵经办"
    no_reason = post(client, f"/api/voucher-applications/{b.pk}/reject/", {"reason": " "})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    assert Application.objects.get(pk=b.pk).status == Application.Status.SUBMITTED
    rejected = post(
        client, f"/api/voucher-applications/{b.pk}/reject/", {"reason": "不属于特定群体"}
    )
    assert rejected.status_code == 200
    assert rejected.json()["decision_reason"] == "不属于特定群体"
    twice = post(client, f"/api/voucher-applications/{b.pk}/approve/")
    assert twice.status_code == 400 and "non_field_errors" in twice.json()
    assert Application.objects.get(pk=b.pk).status == Application.Status.REJECTED


def test_issuing_gives_a_voucher_and_moves_the_batch_counters(reviewer, client_for):
    app = approved(reviewer)
    response = post(client_for(reviewer), f"/api/voucher-applications/{app.pk}/issue/")
    assert response.status_code == 201, response.content
    voucher = Voucher.objects.get(pk=response.json()["id"])
    assert response.json()["code"] == voucher.display_code
    assert response.json()["status"] == "issued"
    the_batch = batch()
    assert (the_batch.issued_count, the_batch.issued_amount) == (1, Decimal("200.00"))


def test_issuing_an_unapproved_application_is_refused(reviewer, client_for):
    app = application(reviewer)
    response = post(client_for(reviewer), f"/api/voucher-applications/{app.pk}/issue/")
    assert response.status_code == 400 and "non_field_errors" in response.json()
    assert not Voucher.objects.exists()


def test_issuing_from_an_exhausted_batch_is_400_with_the_services_message(reviewer, client_for):
    the_batch = small_batch(1)
    first, second = approved(reviewer, the_batch=the_batch), approved(reviewer, the_batch=the_batch)
    client = client_for(reviewer)
    assert post(client, f"/api/voucher-applications/{first.pk}/issue/").status_code == 201
    response = post(client, f"/api/voucher-applications/{second.pk}/issue/")
    assert response.status_code == 400
    message = response.json()["non_field_errors"][0]
    assert "1" in message and str(the_batch) in message  # "All 1 vouchers of … are issued"
    assert Voucher.objects.filter(batch=the_batch).count() == 1
    assert Application.objects.get(pk=second.pk).status == Application.Status.APPROVED
    the_batch.refresh_from_db()
    assert (the_batch.issued_count, the_batch.issued_amount) == (1, Decimal("200.00"))


# --- vouchers ----------------------------------------------------------------------------------


def test_voiding_returns_the_place_and_needs_a_reason(reviewer, client_for):
    voucher = issued(reviewer)
    client = client_for(reviewer)
    missing = post(client, f"/api/vouchers/{voucher.pk}/void/", {"reason": ""})
    assert missing.status_code == 400 and "reason" in missing.json()
    assert Voucher.objects.get(pk=voucher.pk).status == Voucher.Status.ISSUED
    response = post(client, f"/api/vouchers/{voucher.pk}/void/", {"reason": "户主重复申领"})
    assert response.status_code == 200
    assert response.json()["status"] == "voided"
    assert response.json()["void_reason"] == "户主重复申领"
    assert batch().issued_count == 0


def test_a_used_voucher_cannot_be_voided(reviewer, org_a, agency_a, client_for):
    voucher, _service = redeemed(reviewer, agency_a, org_a)
    response = post(client_for(reviewer), f"/api/vouchers/{voucher.pk}/void/", {"reason": "误发"})
    assert response.status_code == 400 and "non_field_errors" in response.json()
    assert Voucher.objects.get(pk=voucher.pk).status == Voucher.Status.REDEEMED


def test_a_reviewer_chooses_an_eligible_agency_for_the_holder(reviewer, org_a, org_b, client_for):
    join(reviewer, org_a)
    voucher = issued(reviewer)
    client = client_for(reviewer)
    outside = post(client, f"/api/vouchers/{voucher.pk}/choose-agency/", {"agency": org_b.pk})
    assert outside.status_code == 400 and "agency" in outside.json()
    unknown = post(client, f"/api/vouchers/{voucher.pk}/choose-agency/", {"agency": 999999})
    assert unknown.status_code == 400 and "agency" in unknown.json()
    assert Voucher.objects.get(pk=voucher.pk).agency_id is None
    response = post(client, f"/api/vouchers/{voucher.pk}/choose-agency/", {"agency": org_a.pk})
    assert response.status_code == 200
    assert response.json()["agency"] == org_a.pk and response.json()["agency_name"] == org_a.name


def test_follow_ups_are_recorded_and_listed(reviewer, official, org_a, agency_a, client_for):
    voucher, _service = redeemed(reviewer, agency_a, org_a)
    client = client_for(reviewer)
    url = f"/api/vouchers/{voucher.pk}/follow-ups/"
    no_score = post(client, url, {"reached": True})
    assert no_score.status_code == 400 and "satisfaction" in no_score.json()
    out_of_range = post(client, url, {"reached": True, "satisfaction": 9})
    assert out_of_range.status_code == 400 and "satisfaction" in out_of_range.json()
    unreached = post(client, url, {"reached": False})
    assert unreached.status_code == 400 and "remarks" in unreached.json()
    future = (TODAY() + dt.timedelta(days=2)).isoformat()
    late = post(client, url, {"reached": True, "satisfaction": 5, "called_on": future})
    assert late.status_code == 400 and "called_on" in late.json()
    assert not FollowUp.objects.exists()
    made = post(client, url, {"reached": True, "satisfaction": 4, "remarks": "服务准时"})
    assert made.status_code == 201, made.content
    assert made.json()["called_on"] == TODAY().isoformat()
    assert made.json()["recorded_by_name"] == "赵经办"
    rows = client_for(official).get(url).json()
    assert [(r["satisfaction"], r["remarks"]) for r in rows] == [(4, "服务准时")]


def test_a_follow_up_before_any_service_is_refused(reviewer, client_for):
    voucher = issued(reviewer)
    response = post(
        client_for(reviewer),
        f"/api/vouchers/{voucher.pk}/follow-ups/",
        {"reached": True, "satisfaction": 5},
    )
    assert response.status_code == 400 and "voucher" in response.json()
    assert not FollowUp.objects.exists()


def test_verification_passes_or_fails_with_a_note(reviewer, org_a, agency_a, client_for):
    good, _s = redeemed(reviewer, agency_a, org_a)
    bad, _s = redeemed(reviewer, agency_a, org_a)
    client = client_for(reviewer)
    missing = post(client, f"/api/vouchers/{good.pk}/verify/", {})
    assert missing.status_code == 400 and "passed" in missing.json()
    no_note = post(client, f"/api/vouchers/{bad.pk}/verify/", {"passed": False})
    assert no_note.status_code == 400 and "note" in no_note.json()
    assert Voucher.objects.get(pk=bad.pk).status == Voucher.Status.REDEEMED
    passed = post(client, f"/api/vouchers/{good.pk}/verify/", {"passed": True})
    assert passed.status_code == 200 and passed.json()["status"] == "verified"
    failed = post(
        client, f"/api/vouchers/{bad.pk}/verify/", {"passed": False, "note": "住户称未上门"}
    )
    assert failed.status_code == 200 and failed.json()["status"] == "rejected"
    assert failed.json()["verification_note"] == "住户称未上门"


def test_an_unused_voucher_cannot_be_verified(reviewer, client_for):
    voucher = issued(reviewer)
    response = post(client_for(reviewer), f"/api/vouchers/{voucher.pk}/verify/", {"passed": True})
    assert response.status_code == 400
    assert Voucher.objects.get(pk=voucher.pk).status == Voucher.Status.ISSUED


# --- settlements -------------------------------------------------------------------------------


def test_a_reviewer_draws_up_a_statement_and_an_approver_records_payment(
    reviewer, approver, org_a, agency_a, client_for
):
    vouchers = [verified(reviewer, agency_a, org_a) for _ in range(2)]
    month = f"{TODAY():%Y-%m}"
    response = post(
        client_for(reviewer), "/api/voucher-settlements/", {"agency": org_a.pk, "month": month}
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["voucher_count"], data["amount"], data["month"]) == (2, "400.00", month)
    assert sorted(line["id"] for line in data["lines"]) == sorted(v.pk for v in vouchers)
    assert data["number"].startswith("昆人社家券结")
    paid = post(
        client_for(approver),
        f"/api/voucher-settlements/{data['id']}/mark-paid/",
        {"paid_on": TODAY().isoformat(), "reference": "银行回单 0001"},
    )
    assert paid.status_code == 200, paid.content
    assert paid.json()["status"] == "paid" and paid.json()["payment_reference"] == "银行回单 0001"
    assert set(Voucher.objects.values_list("status", flat=True)) == {"reimbursed"}


def test_settlement_input_errors_name_the_field(reviewer, org_a, org_b, agency_a, client_for):
    verified(reviewer, agency_a, org_a)
    client = client_for(reviewer)
    for month in ("2026/11", "2026-13", "", "十一月"):
        response = post(client, "/api/voucher-settlements/", {"agency": org_a.pk, "month": month})
        assert response.status_code == 400 and "month" in response.json(), month
    future = f"{TODAY() + dt.timedelta(days=40):%Y-%m}"
    ahead = post(client, "/api/voucher-settlements/", {"agency": org_a.pk, "month": future})
    assert ahead.status_code == 400 and "month" in ahead.json()
    empty = post(client, "/api/voucher-settlements/", {"agency": org_b.pk, "month": "2026-11"})
    assert empty.status_code == 400 and "month" in empty.json()
    missing = post(client, "/api/voucher-settlements/", {"month": "2026-11"})
    assert missing.status_code == 400 and "agency" in missing.json()
    assert not Settlement.objects.exists()
    assert Voucher.objects.get().settlement_id is None


def test_payment_rules_four_eyes_and_dates(reviewer, approver, org_a, agency_a, client_for):
    verified(reviewer, agency_a, org_a)
    own = settlement_create(actor=approver, batch=batch(), agency=org_a, month=TODAY())
    url = f"/api/voucher-settlements/{own.pk}/mark-paid/"
    # The approver who drew the statement up may not confirm its payment.
    assert post(client_for(approver), url, {"paid_on": TODAY().isoformat()}).status_code == 403
    # A reviewer never records payments.
    assert post(client_for(reviewer), url, {"paid_on": TODAY().isoformat()}).status_code == 403
    other = factories.make_user("approver_2", APPROVER)
    client = client_for(other)
    future = post(client, url, {"paid_on": (TODAY() + dt.timedelta(days=1)).isoformat()})
    assert future.status_code == 400 and "paid_on" in future.json()
    garbled = post(client, url, {"paid_on": "昨天"})
    assert garbled.status_code == 400 and "paid_on" in garbled.json()
    assert Settlement.objects.get(pk=own.pk).status == Settlement.Status.ISSUED
    assert post(client, url, {"paid_on": TODAY().isoformat()}).status_code == 200
    again = post(client, url, {"paid_on": TODAY().isoformat()})
    assert again.status_code == 400
