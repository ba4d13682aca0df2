"""The bureau's steps on a claim: first review, approval (which draws on the special funds),
return, rejection, payment and revocation; each issues its notice where the plan wants one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kunqu_jiafu.accounts.models import User

from .. import rules, selectors
from ..models import AwardPolicy, Claim, Notice, SpecialFund
from . import funds
from .base import parse_amount
from .claims import release_subjects
from .notices import notice_issue
from .transitions import claim_move


def _require_still_eligible(claim: Claim, amount: Decimal | None = None) -> None:
    """First review and approval read the eligibility again: a recognition revoked or a
    standing changed since submission stops the claim, with the reason. An award's yearly
    settings are checked under a lock on the year's settings row, so two approvals for one
    agency cannot both slip under its limit."""
    if claim.claim_type.eligibility in rules.AWARD_RULES:
        year = claim.claim_type.policy_year
        AwardPolicy.objects.get_or_create(year=year)
        AwardPolicy.objects.select_for_update().get(year=year)
    problems = selectors.claim_problems(claim, amount)
    if problems:
        raise ValidationError(
            _("The claim no longer meets the conditions: %(why)s") % {"why": "；".join(problems)}
        )


def claim_first_pass(*, actor: User, claim: Claim, reason: str = "") -> Claim:
    def step(claim: Claim, actor: User, now) -> None:
        _require_still_eligible(claim)
        claim.first_reviewed_by, claim.first_reviewed_at = actor, now

    return claim_move(actor=actor, claim=claim, action="first_pass", reason=reason, step=step)


def _approved_amount(claim: Claim, approved_amount) -> Decimal:
    amount = (
        claim.eligible_amount
        if approved_amount in (None, "")
        else parse_amount(approved_amount, "approved_amount")
    )
    if amount > claim.eligible_amount:
        raise ValidationError(
            {
                "approved_amount": _(
                    "The approved amount cannot exceed the eligible amount %(amount)s yuan."
                )
                % {"amount": claim.eligible_amount}
            }
        )
    if amount <= 0:
        raise ValidationError(
            {
                "approved_amount": _(
                    "Nothing to approve: the amount is zero. Reject the claim instead."
                )
            }
        )
    return amount


def _draw(claim: Claim, amount: Decimal) -> None:
    """Commit the amount on the year's general fund and the type's own fund, under their locks."""
    for fund in funds.lock_funds(claim):
        if fund.remaining < amount:
            raise ValidationError(
                {
                    "approved_amount": _(
                        "%(fund)s has only %(left)s yuan left; %(amount)s yuan cannot be approved."
                    )
                    % {"fund": fund, "left": fund.remaining, "amount": amount}
                }
            )
        SpecialFund.objects.filter(pk=fund.pk).update(committed=F("committed") + amount)
        if fund.claim_type_id is None:
            claim.fund = fund


def claim_approve(*, actor: User, claim: Claim, reason: str = "", approved_amount=None) -> Claim:
    """Approve the eligible amount or less (``approved_amount``), within the funds' remainder."""

    def step(claim: Claim, actor: User, now) -> None:
        amount = _approved_amount(claim, approved_amount)
        _require_still_eligible(claim, amount)
        _draw(claim, amount)
        claim.approved_amount = amount
        claim.decided_by, claim.decided_at = actor, now
        notice_issue(claim, Notice.Kind.APPROVAL, amount=amount, reason=(reason or "").strip())

    return claim_move(actor=actor, claim=claim, action="approve", reason=reason, step=step)


def claim_return(*, actor: User, claim: Claim, reason: str = "") -> Claim:
    """Back to the agency for correction (a reason is required)."""
    return claim_move(actor=actor, claim=claim, action="return", reason=reason)


def claim_reject(*, actor: User, claim: Claim, reason: str = "") -> Claim:
    """Not approved (a reason is required): the subjects are freed and a notice says why."""

    def step(claim: Claim, actor: User, now) -> None:
        claim.decided_by, claim.decided_at = actor, now
        release_subjects(claim)
        notice_issue(claim, Notice.Kind.REJECTION, amount=None, reason=(reason or "").strip())

    return claim_move(actor=actor, claim=claim, action="reject", reason=reason, step=step)


def claim_pay(
    *,
    actor: User,
    claim: Claim,
    paid_on: dt.date | None = None,
    bank_reference: str = "",
    reason: str = "",
) -> Claim:
    """Record the transfer of an approved claim's money."""

    def step(claim: Claim, actor: User, now) -> None:
        if paid_on is None:
            raise ValidationError({"paid_on": _("Enter the payment date.")})
        if paid_on > timezone.localdate():
            raise ValidationError({"paid_on": _("The payment date cannot be in the future.")})
        reference = (bank_reference or "").strip()
        if not reference:
            raise ValidationError({"bank_reference": _("Enter the bank transfer reference.")})
        max_length = Claim._meta.get_field("bank_reference").max_length
        if len(reference) > max_length:
            raise ValidationError(
                {
                    "bank_reference": _("The bank reference may have at most %(n)s characters.")
                    % {"n": max_length}
                }
            )
        claim.paid_on, claim.bank_reference = paid_on, reference

    return claim_move(actor=actor, claim=claim, action="pay", reason=reason, step=step)


def claim_revoke(*, actor: User, claim: Claim, reason: str = "") -> Claim:
    """Revoke an approved or paid claim (a reason is required): money paid is to be recovered,
    money approved but not paid goes back to the fund."""

    def step(claim: Claim, actor: User, now) -> None:
        release_subjects(claim)
        if claim.status == Claim.Status.PAID:
            claim.recovery_amount = claim.approved_amount
        elif claim.fund_id:
            for fund in funds.lock_funds(claim):
                SpecialFund.objects.filter(pk=fund.pk).update(
                    committed=F("committed") - claim.approved_amount
                )

    return claim_move(actor=actor, claim=claim, action="revoke", reason=reason, step=step)
