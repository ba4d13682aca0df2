"""What a spot check (抽查核实) that found a fee exemption false does to its claim.

The exemption no longer counts (its household, day and service are freed) and is marked false
with the reason. Its share of the claim's money is the approved amount divided by the number of
exemptions listed on the claim. On a paid claim that share is added to the amount to recover
(追回); on an approved claim not yet paid the approved amount shrinks by it and the share goes
back to the special funds, so nothing is to be recovered."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.selectors import agency_users
from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.notifications.services import notify

from ..exemption_models import FeeExemption
from ..models import Claim, SpecialFund
from . import funds
from .base import require_bureau, snapshot

CENT = Decimal("0.01")


def _share(claim: Claim) -> Decimal:
    listed = FeeExemption.objects.filter(claim=claim).count()
    if not listed or not claim.approved_amount:
        return Decimal("0.00")
    return (claim.approved_amount / listed).quantize(CENT, rounding=ROUND_HALF_UP)


def exemption_found_false(*, actor: User, exemption: FeeExemption, reason: str) -> Decimal:
    """Record the exemption as false; return the amount to recover (0 when the claim is unpaid)."""
    require_bureau(actor, _("Only bureau staff record the outcome of a spot check."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason the exemption was found false.")})
    with transaction.atomic():
        claim = (
            Claim.objects.select_for_update(of=("self",))
            .select_related("claim_type", "agency")
            .get(pk=exemption.claim_id)
        )
        exemption = FeeExemption.objects.select_for_update().get(pk=exemption.pk)
        if exemption.found_false_at is not None or not exemption.live:
            raise ValidationError(
                {"exemption": _("This exemption no longer counts; it cannot be found false again.")}
            )
        if claim.status not in (Claim.Status.APPROVED, Claim.Status.PAID):
            raise ValidationError(
                {
                    "exemption": _(
                        "Only an exemption of an approved or paid claim can be spot-checked; "
                        "its claim is %(status)s."
                    )
                    % {"status": claim.get_status_display()}
                }
            )
        before = snapshot(claim)
        share = min(_share(claim), claim.approved_amount - (claim.recovery_amount or 0))
        recovery = Decimal("0.00")
        if claim.status == Claim.Status.PAID:
            recovery = share
            claim.recovery_amount = (claim.recovery_amount or Decimal("0.00")) + share
        else:
            claim.approved_amount -= share
            if claim.fund_id:
                for fund in funds.lock_funds(claim):
                    SpecialFund.objects.filter(pk=fund.pk).update(committed=F("committed") - share)
        claim.save(update_fields=["approved_amount", "recovery_amount", "updated_at"])
        exemption.live = False
        exemption.found_false_at = timezone.now()
        exemption.found_false_reason = reason
        exemption.save(update_fields=["live", "found_false_at", "found_false_reason"])
        audit.log(
            actor,
            claim,
            "subsidies.claim.exemption_found_false",
            before=before,
            after={**snapshot(claim), "exemption": exemption.pk, "recovery": recovery},
            reason=reason,
        )
        notify(
            agency_users(claim.agency),
            _("A fee exemption of %(claim)s was found false by a spot check") % {"claim": claim},
            _("%(reason)s Amount to recover: %(amount)s yuan.")
            % {"reason": reason, "amount": recovery},
            reverse("claims:detail", args=[claim.pk]),
        )
    return recovery
