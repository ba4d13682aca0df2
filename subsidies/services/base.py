"""What every write of the subsidies area shares: the permission answer turned into an error,
the audit snapshot of a claim, amounts and periods read from input, the calculator's run."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.accounts.roles import APPROVER, REVIEWER, has_role, is_agency_user

from .. import rules
from ..models import Claim, ClaimType

# Money columns hold 14 digits, 2 after the point.
MAX_AMOUNT = Decimal("999999999999.99")
_PERIOD_RE = {
    ClaimType.PeriodKind.YEAR: re.compile(r"^(\d{4})$"),
    ClaimType.PeriodKind.HALF: re.compile(r"^(\d{4})H[12]$"),
    ClaimType.PeriodKind.QUARTER: re.compile(r"^(\d{4})Q[1-4]$"),
    ClaimType.PeriodKind.MONTH: re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
}
_PERIOD_HINT = {
    ClaimType.PeriodKind.YEAR: "2026",
    ClaimType.PeriodKind.HALF: "2026H1",
    ClaimType.PeriodKind.QUARTER: "2026Q3",
    ClaimType.PeriodKind.MONTH: "2026-03",
}


def require(result: tuple[bool, str]) -> None:
    allowed, reason = result
    if not allowed:
        raise PermissionDenied(reason)


def snapshot(claim: Claim) -> dict[str, Any]:
    return {
        "status": claim.status,
        "period": claim.period,
        "declared": claim.declared,
        "eligible_amount": claim.eligible_amount,
        "approved_amount": claim.approved_amount,
    }


def require_bureau(actor: User, message: str) -> None:
    if is_agency_user(actor) or not has_role(actor, REVIEWER, APPROVER):
        raise PermissionDenied(message)


def check_period(claim_type: ClaimType, period: str) -> str:
    period = str(period or "").strip().upper()
    match = _PERIOD_RE[claim_type.period_kind].match(period)
    if not match:
        raise ValidationError(
            {
                "period": _("The period must look like %(example)s for this claim type.")
                % {"example": _PERIOD_HINT[claim_type.period_kind]}
            }
        )
    if int(match.group(1)) != claim_type.policy_year:
        raise ValidationError(
            {
                "period": _("The period must fall in the policy year %(year)s.")
                % {"year": claim_type.policy_year}
            }
        )
    return period


def compute(claim_type: ClaimType, declared: dict, period: str) -> rules.Calculation:
    try:
        return rules.calculate(
            claim_type.calculator, declared, claim_type.parameters, period=period
        )
    except rules.DeclaredError as exc:
        raise ValidationError(
            {f"declared.{name}": message for name, message in exc.errors.items()}
        ) from None


def parse_amount(value, field: str) -> Decimal:
    try:
        amount = rules.money(Decimal(str(value).replace(",", "").strip()))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter an amount in yuan, e.g. 12000.00.")}) from None
    if not amount.is_finite():  # "NaN" parses and quantizes to NaN; comparing it raises
        raise ValidationError({field: _("Enter an amount in yuan, e.g. 12000.00.")})
    if amount < 0:
        raise ValidationError({field: _("The amount cannot be negative.")})
    if amount > MAX_AMOUNT:
        raise ValidationError({field: _("The amount is too large; please check it.")})
    return amount
