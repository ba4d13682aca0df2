"""A voucher whose home service a spot check (抽查核实) found false: revoked, and the money
recovered when it was settled.

The inspections app calls ``voucher_revoke_after_check`` inside its own transaction. A redeemed
or verified voucher not yet on a statement is simply revoked (nothing was paid, nothing will
be: settlement takes verified vouchers only), and the amount to recover is 0. A voucher on a
statement (paid, or drawn up and awaiting payment, which is paid as drawn up) carries its face
value as the amount to recover."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.selectors import agency_users
from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.notifications.services import notify

from .. import permissions
from ..models import Voucher
from . import common

# A voucher whose home service was recorded and not already found false by the service check.
REVOCABLE = (Voucher.Status.REDEEMED, Voucher.Status.VERIFIED, Voucher.Status.REIMBURSED)


def voucher_revoke_after_check(*, actor: User, voucher: Voucher, reason: str) -> Voucher:
    """Revoke a redeemed, verified or reimbursed voucher whose service was found false."""
    common.require(permissions.can_handle(actor))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for revoking the voucher.")})
    with transaction.atomic():
        voucher = (
            Voucher.objects.select_for_update(of=("self",))
            .select_related("agency")
            .get(pk=voucher.pk)
        )
        if voucher.status not in REVOCABLE:
            raise ValidationError(
                {
                    "voucher": _(
                        "Only a redeemed, verified or reimbursed voucher can be revoked; "
                        "this one is %(status)s."
                    )
                    % {"status": voucher.get_status_display()}
                }
            )
        before = voucher.status
        voucher.recovery_amount = (
            voucher.face_value if voucher.settlement_id is not None else Decimal("0.00")
        )
        voucher.status = Voucher.Status.REVOKED
        voucher.revoked_at = timezone.now()
        voucher.revoked_by = actor
        voucher.revoke_reason = reason
        voucher.save(
            update_fields=["status", "revoked_at", "revoked_by", "revoke_reason", "recovery_amount"]
        )
        audit.log(
            actor,
            voucher,
            "vouchers.voucher.revoked",
            before={"status": before},
            after={"status": voucher.status, "recovery_amount": voucher.recovery_amount},
            reason=reason,
        )
        notify(
            agency_users(voucher.agency),
            _("Voucher %(code)s revoked after a spot check") % {"code": voucher.display_code},
            _("%(reason)s Amount to recover: %(amount)s yuan.")
            % {"reason": reason, "amount": voucher.recovery_amount},
            reverse("vouchers:detail", args=[voucher.pk]),
        )
    return voucher
