"""A voucher whose home service a spot check (抽查核实) found false is revoked; the money is to
be recovered when the voucher was settled (issue 12: "不属实 revokes … the voucher through the
vouchers services")."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.notifications.models import Notification
from tests import factories
from tests.vouchers import core_builders as vb
from vouchers.models import Settlement, Voucher
from vouchers.services.revocation import voucher_revoke_after_check
from vouchers.services.settlement import settlement_create, settlement_mark_paid
from vouchers.services.verification import voucher_verify

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def redeemed(org_a, agency_a, reviewer):
    batch = vb.batch(count=5)
    vb.join(batch, org_a, reviewer)
    voucher = vb.issued(batch, reviewer)
    vb.redeem(voucher, agency_a, factories.make_worker(org_a))
    voucher.refresh_from_db()
    return voucher


def test_a_redeemed_voucher_is_revoked_with_nothing_to_recover(redeemed, reviewer, agency_a):
    voucher = voucher_revoke_after_check(actor=reviewer, voucher=redeemed, reason="户主称未服务")
    voucher.refresh_from_db()
    assert voucher.status == Voucher.Status.REVOKED
    assert voucher.recovery_amount == Decimal("0.00") and voucher.revoke_reason == "户主称未服务"
    assert voucher.revoked_by == reviewer and voucher.revoked_at is not None
    entry = AuditEntry.objects.for_object(voucher).order_by("-id").first()
    assert entry.action == "vouchers.voucher.revoked" and entry.before == {"status": "redeemed"}
    assert Notification.objects.filter(recipient=agency_a, body__contains="户主称未服务").exists()


def test_a_reimbursed_voucher_carries_its_face_value_to_recover(
    redeemed, org_a, reviewer, approver
):
    voucher_verify(actor=reviewer, voucher=redeemed, passed=True)
    settlement = settlement_create(actor=reviewer, batch=redeemed.batch, agency=org_a, month=TODAY)
    settlement_mark_paid(actor=approver, settlement=settlement, paid_on=TODAY, reference="R1")
    voucher = voucher_revoke_after_check(actor=reviewer, voucher=redeemed, reason="未上门")
    assert voucher.recovery_amount == voucher.face_value == Decimal("200.00")
    assert voucher.settlement_id == settlement.pk  # stays on the paid statement


def test_a_statement_awaiting_payment_is_still_paid_when_one_of_its_vouchers_is_revoked(
    redeemed, org_a, reviewer, approver
):
    voucher_verify(actor=reviewer, voucher=redeemed, passed=True)
    settlement = settlement_create(actor=reviewer, batch=redeemed.batch, agency=org_a, month=TODAY)
    voucher = voucher_revoke_after_check(actor=reviewer, voucher=redeemed, reason="未上门")
    assert voucher.recovery_amount == Decimal("200.00")
    settlement_mark_paid(actor=approver, settlement=settlement, paid_on=TODAY, reference="R2")
    assert Settlement.objects.get().status == Settlement.Status.PAID
    assert Voucher.objects.get(pk=voucher.pk).status == Voucher.Status.REVOKED


def test_only_a_used_voucher_can_be_revoked_and_only_once(redeemed, reviewer):
    voucher_revoke_after_check(actor=reviewer, voucher=redeemed, reason="x")
    with pytest.raises(ValidationError) as refused:
        voucher_revoke_after_check(actor=reviewer, voucher=redeemed, reason="x")
    assert "voucher" in refused.value.message_dict
    fresh = vb.issued(redeemed.batch, reviewer)
    with pytest.raises(ValidationError):
        voucher_revoke_after_check(actor=reviewer, voucher=fresh, reason="x")
    assert Voucher.objects.get(pk=fresh.pk).status == Voucher.Status.ISSUED


def test_a_reason_and_a_bureau_reviewer_are_required(redeemed, reviewer, official, agency_a):
    with pytest.raises(ValidationError) as refused:
        voucher_revoke_after_check(actor=reviewer, voucher=redeemed, reason="  ")
    assert "reason" in refused.value.message_dict
    for user in (official, agency_a):
        with pytest.raises(PermissionDenied):
            voucher_revoke_after_check(actor=user, voucher=redeemed, reason="x")
    assert Voucher.objects.get(pk=redeemed.pk).status == Voucher.Status.REDEEMED


def test_the_database_refuses_a_revoked_voucher_without_its_date_and_recovery(redeemed):
    with pytest.raises(IntegrityError), transaction.atomic():
        Voucher.objects.filter(pk=redeemed.pk).update(status=Voucher.Status.REVOKED)
