"""The year's special funds: their budgets, and the locks approvals and revocations take on
them so that no two approvals spend the same yuan."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.accounts.roles import APPROVER, has_role, is_agency_user

from ..models import Claim, ClaimType, SpecialFund
from .base import parse_amount


def lock_funds(claim: Claim) -> list[SpecialFund]:
    """The year's general fund and, if there is one, the type's own fund, locked in id order."""
    year = claim.claim_type.policy_year
    funds = list(
        SpecialFund.objects.select_for_update()
        .filter(Q(claim_type__isnull=True) | Q(claim_type=claim.claim_type), year=year)
        .order_by("pk")
    )
    if not any(f.claim_type_id is None for f in funds):
        raise ValidationError(
            _(
                "No special fund is set up for %(year)s; ask the bureau to enter the year's budget first."
            )
            % {"year": year}
        )
    return funds


def _committed_for_type(claim_type: ClaimType) -> Decimal:
    """What the type's claims have drawn: approved, paid, and paid-then-revoked (money paid
    out stays spent until it is recovered)."""
    drawn = Claim.objects.filter(claim_type=claim_type, fund__isnull=False).filter(
        Q(status__in=[Claim.Status.APPROVED, Claim.Status.PAID])
        | Q(status=Claim.Status.REVOKED, paid_on__isnull=False)
    )
    return drawn.aggregate(total=Sum("approved_amount"))["total"] or Decimal("0.00")


def fund_set(
    *, actor: User, year: int, amount, claim_type: ClaimType | None = None, note: str = ""
) -> SpecialFund:
    """Enter or change a year's special fund; it can never drop below what is approved.

    The step that applies a budget: the admin reaches it only by approving a proposal
    (changes.setting_change_approve), never directly; set-up code (the demo loader) calls it."""
    if is_agency_user(actor) or not has_role(actor, APPROVER):
        raise PermissionDenied(
            _("Only 审批领导 set the special fund (业务经办 review the claims paid from it).")
        )
    amount = parse_amount(amount, "amount")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter the fund's year, e.g. 2026.")})
    if claim_type is not None and claim_type.policy_year != year:
        raise ValidationError(
            {
                "claim_type": _("%(type)s belongs to the policy year %(type_year)s, not %(year)s.")
                % {"type": claim_type, "type_year": claim_type.policy_year, "year": year}
            }
        )
    with transaction.atomic():
        fund = (
            SpecialFund.objects.select_for_update().filter(year=year, claim_type=claim_type).first()
        )
        before = None
        if fund is None:
            fund = SpecialFund(year=year, claim_type=claim_type, amount=amount, note=note)
            if claim_type is not None:
                # A type's own fund set up mid-year carries what was already approved for the
                # type, so the cap holds and a later revocation gives back only what it took.
                fund.committed = _committed_for_type(claim_type)
        else:
            before = {"amount": fund.amount}
        if amount < fund.committed:
            raise ValidationError(
                {
                    "amount": _(
                        "%(committed)s yuan is already approved from this fund; the budget cannot be lower."
                    )
                    % {"committed": fund.committed}
                }
            )
        fund.amount, fund.note = amount, note
        try:
            with transaction.atomic():
                fund.save()
        except IntegrityError:
            # The same fund was created a moment ago by someone else.
            raise ValidationError(
                {"amount": _("The fund was changed by someone else just now; please try again.")}
            ) from None
        audit.log(
            actor, fund, "subsidies.fund.set", before=before, after={"amount": amount}, reason=note
        )
    return fund
