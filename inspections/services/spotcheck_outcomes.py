"""Assigning spot-checked records and recording their outcome (属实 / 不属实).

不属实 revokes the record through the app that owns it, in the same transaction as the outcome:
a claim through subsidies' claim_revoke (money paid is to be recovered, money approved but not
paid goes back to the fund), a voucher through vouchers' voucher_revoke_after_check, a fee
exemption through subsidies' exemption_found_false. The amount to recover is stored on the item."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.documents.services import document_store
from subsidies.services.review import claim_revoke
from subsidies.services.spot_checks import exemption_found_false
from vouchers.services.revocation import voucher_revoke_after_check

from ..models import SpotCheck, SpotCheckItem
from ..permissions import can_run_spot_checks, may_check_spot_records
from .spotchecks import EVIDENCE_TYPES, _require

PENDING = SpotCheckItem.Outcome.PENDING


def spot_check_assign(*, actor: User, items, user: User) -> int:
    """Assign the records not yet checked to a reviewer or approver; returns how many."""
    _require(can_run_spot_checks(actor))
    allowed, reason = may_check_spot_records(user)
    if not allowed:
        raise ValidationError({"user": reason})
    pks = [getattr(item, "pk", item) for item in items]
    with transaction.atomic():
        locked = list(
            SpotCheckItem.objects.select_for_update()
            .filter(pk__in=pks, outcome=PENDING)
            .order_by("pk")
        )
        SpotCheckItem.objects.filter(pk__in=[i.pk for i in locked]).update(assigned_to=user)
        for item in locked:
            audit.log(
                actor,
                item,
                "inspections.spotcheck.assigned",
                before={"assigned_to": item.assigned_to_id},
                after={"assigned_to": user.pk},
            )
    return len(locked)


def _check_outcome(outcome: str, method: str, evidence: str) -> str:
    errors: dict[str, str] = {}
    if outcome not in (SpotCheckItem.Outcome.TRUE, SpotCheckItem.Outcome.FALSE):
        errors["outcome"] = _("Choose the outcome: true (属实) or false (不属实).")
    if method not in SpotCheckItem.Method.values:
        errors["method"] = _("Choose how it was checked: a call, a visit or documents.")
    evidence = (evidence or "").strip()
    if not evidence:
        errors["evidence"] = _("Describe the evidence: who was called or visited, what was seen.")
    if errors:
        raise ValidationError(errors)
    return evidence


def _revoke(actor: User, item: SpotCheckItem, reason: str) -> Decimal:
    """Revoke the record through its owning app; the amount to recover."""
    if item.claim_id:
        claim = claim_revoke(actor=actor, claim=item.claim, reason=reason)
        return claim.recovery_amount or Decimal("0.00")
    if item.voucher_id:
        voucher = voucher_revoke_after_check(actor=actor, voucher=item.voucher, reason=reason)
        return voucher.recovery_amount
    return exemption_found_false(actor=actor, exemption=item.exemption, reason=reason)


def spot_check_record(
    *,
    actor: User,
    item: SpotCheckItem,
    outcome: str,
    method: str,
    evidence: str,
    files=None,
) -> SpotCheckItem:
    """Record 属实 or 不属实 with how it was checked and the evidence (once per record)."""
    _require(can_run_spot_checks(actor))
    evidence = _check_outcome(outcome, method, evidence)
    with transaction.atomic():
        item = (
            SpotCheckItem.objects.select_for_update(of=("self",))
            .select_related("spot_check", "claim", "voucher", "exemption")
            .get(pk=item.pk)
        )
        if item.outcome != PENDING:
            raise ValidationError(
                {"outcome": _("This record's outcome is already recorded; it is recorded once.")}
            )
        if outcome == SpotCheckItem.Outcome.FALSE:
            reason = _("Spot check “%(title)s” (record %(n)s) found it false: %(evidence)s") % {
                "title": item.spot_check.title,
                "n": item.position,
                "evidence": evidence,
            }
            item.recovery_amount = _revoke(actor, item, reason)
        for upload in files or ():
            document_store(
                upload,
                allowed=EVIDENCE_TYPES,
                field="files",
                user=actor,
                owner=item,
                purpose="spot-check-evidence",
            )
        item.outcome, item.method, item.evidence = outcome, method, evidence
        item.checked_at, item.checked_by = timezone.now(), actor
        item.save(
            update_fields=[
                "outcome",
                "method",
                "evidence",
                "recovery_amount",
                "checked_at",
                "checked_by",
            ]
        )
        _close_when_done(actor, item.spot_check_id)
        audit.log(
            actor,
            item,
            "inspections.spotcheck.recorded",
            before={"outcome": PENDING},
            after={"outcome": outcome, "method": method, "recovery": item.recovery_amount},
            reason=evidence,
        )
    return item


def _close_when_done(actor: User, spot_check_id: int) -> None:
    """The spot check closes when no record is left to check. The spot check's row is locked
    first: two staff recording its last two records at once are serialised here, so the second
    sees the first's record (each statement of READ COMMITTED reads what was committed before
    it) and closes it; without the lock each would see the other's record still pending and
    neither would close it."""
    spot_check = SpotCheck.objects.select_for_update().get(pk=spot_check_id)
    if spot_check.status != SpotCheck.Status.OPEN:
        return
    if SpotCheckItem.objects.filter(spot_check_id=spot_check_id, outcome=PENDING).exists():
        return
    spot_check.status = SpotCheck.Status.CLOSED
    spot_check.save(update_fields=["status"])
    audit.log(
        actor,
        spot_check,
        "inspections.spotcheck.closed",
        before={"status": SpotCheck.Status.OPEN},
        after={"status": SpotCheck.Status.CLOSED},
    )
