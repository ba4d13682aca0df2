"""The whole voucher journey through the services, and the figures it leaves behind."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agencies.models import BusinessFormat
from tests.factories import id_number, make_worker
from vouchers import selectors
from vouchers.models import Application, TargetGroup, Voucher, VoucherBatch
from vouchers.services.applications import application_create, application_decide
from vouchers.services.batches import participation_set
from vouchers.services.choice import voucher_choose_agency
from vouchers.services.issue import voucher_issue
from vouchers.services.redemption import voucher_redeem
from vouchers.services.settlement import settlement_create, settlement_mark_paid
from vouchers.services.verification import followup_record, voucher_verify

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


@pytest.mark.django_db
def test_journey_from_application_to_reimbursement(org_a, agency_a, reviewer, approver):
    batch = VoucherBatch.objects.get(year=2026)
    participation_set(actor=reviewer, batch=batch, agency=org_a)
    group = TargetGroup.objects.get(code="unemployed")
    application = application_create(
        batch=batch,
        id_number=id_number(),
        name="李桂兰",
        phone="13800000000",
        address="昆区钢铁大街1号",
        street=org_a.street,
        target_group=group,
        evidence=SimpleUploadedFile("card.png", PNG, content_type="image/png"),
    )
    assert application.number.startswith("JQ2026-")
    application_decide(actor=reviewer, application=application, approve=True)
    voucher = voucher_issue(actor=reviewer, application=application)
    batch.refresh_from_db()
    assert (batch.issued_count, batch.issued_amount) == (1, Decimal("200.00"))
    voucher_choose_agency(voucher=voucher, agency=org_a)
    worker = make_worker(org_a)
    service, replayed = voucher_redeem(
        actor=agency_a,
        code=voucher.display_code.lower(),
        service_date=timezone.localdate(),
        kind=BusinessFormat.objects.first(),
        worker=worker,
        hours=Decimal("2"),
        idempotency_key="k1",
    )
    assert not replayed
    again, replayed = voucher_redeem(
        actor=agency_a,
        code=voucher.code,
        service_date=timezone.localdate(),
        kind=BusinessFormat.objects.first(),
        worker=worker,
        hours=Decimal("2"),
        idempotency_key="k1",
    )
    assert replayed and again.pk == service.pk
    followup_record(
        actor=reviewer,
        voucher=voucher,
        called_on=timezone.localdate(),
        reached=True,
        satisfaction=5,
    )
    voucher_verify(actor=reviewer, voucher=voucher, passed=True)
    settlement = settlement_create(
        actor=reviewer, batch=batch, agency=org_a, month=timezone.localdate()
    )
    assert settlement.amount == Decimal("200.00") and settlement.voucher_count == 1
    settlement_mark_paid(actor=approver, settlement=settlement, paid_on=timezone.localdate())
    voucher.refresh_from_db()
    assert voucher.status == Voucher.Status.REIMBURSED
    figures = selectors.progress(batch)
    assert (figures["issued"], figures["redeemed"], figures["verified"], figures["reimbursed"]) == (
        1,
        1,
        1,
        1,
    )
    assert figures["by_group"][0]["name"] == "城镇失业人员"
    assert Application.objects.get().status == Application.Status.ISSUED
    assert dt.date(2027, 6, 30) == voucher.valid_until
