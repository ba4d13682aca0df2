"""Budgets and rates by proposal and approval (four eyes).

An approver proposes a special fund's budget or a claim type's rates (who, what, old → new,
why); another approver approves it and only then does it take effect, through the same
writes (funds.fund_set, catalogue.claim_type_save) that check the figures; or rejects it.
Two approvals at once: the proposal's row lock lets one through, the other finds it decided.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.accounts.roles import APPROVER, has_role, is_agency_user

from ..models import ClaimType, SettingChange, SpecialFund
from .base import parse_amount
from .catalogue import _parameter_errors, claim_type_save
from .funds import fund_set

S = SettingChange.Status


def _require_approver(actor: User, message: str) -> None:
    if is_agency_user(actor) or not has_role(actor, APPROVER):
        raise PermissionDenied(message)


def _reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: _("Say why the budget or rate should change.")})
    return reason


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _details(change: SettingChange, reason: str = "") -> dict:
    """The audit entry's who-what: old → new, and why."""
    return {
        "before": change.before,
        "after": {"status": change.status, **_proposed_value(change)},
        "reason": reason or change.reason,
    }


def _proposed_value(change: SettingChange) -> dict:
    if change.kind == SettingChange.Kind.FUND:
        return {"amount": _money(change.amount), "note": change.note}
    return {"parameters": change.parameters}


def fund_change_propose(
    *,
    actor: User,
    year: int,
    amount,
    reason: str,
    claim_type: ClaimType | None = None,
    note: str = "",
) -> SettingChange:
    """Propose a year's special fund (new, or a new budget for an existing one)."""
    _require_approver(actor, _("Only 审批领导 propose a special fund's budget."))
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
    reason = _reason(reason)
    fund = SpecialFund.objects.filter(year=year, claim_type=claim_type).first()
    if fund is not None and amount < fund.committed:
        raise ValidationError(
            {
                "amount": _(
                    "%(committed)s yuan is already approved from this fund; the budget cannot be lower."
                )
                % {"committed": fund.committed}
            }
        )
    before = {"amount": _money(fund.amount) if fund else None}
    with transaction.atomic():
        change = SettingChange.objects.create(
            kind=SettingChange.Kind.FUND,
            year=year,
            claim_type=claim_type,
            amount=amount,
            note=(note or "").strip(),
            before=before,
            reason=reason,
            proposed_by=actor,
        )
        audit.log(actor, change, "subsidies.settingchange.proposed", **_details(change))
    return change


def rates_change_propose(
    *, actor: User, claim_type: ClaimType, parameters, reason: str
) -> SettingChange:
    """Propose new parameters (rates, standards, caps) for a claim type."""
    _require_approver(actor, _("Only 审批领导 propose a claim type's rates."))
    problems = _parameter_errors(claim_type.calculator, parameters)
    if problems:
        raise ValidationError({"parameters": problems})
    if parameters == claim_type.parameters:
        raise ValidationError({"parameters": _("These are the type's parameters already.")})
    reason = _reason(reason)
    with transaction.atomic():
        change = SettingChange.objects.create(
            kind=SettingChange.Kind.RATES,
            claim_type=claim_type,
            parameters=parameters,
            before={"parameters": claim_type.parameters},
            reason=reason,
            proposed_by=actor,
        )
        audit.log(actor, change, "subsidies.settingchange.proposed", **_details(change))
    return change


def _lock_open(actor: User, change: SettingChange) -> SettingChange:
    _require_approver(actor, _("Only 审批领导 decide on a budget or rate change."))
    locked = SettingChange.objects.select_for_update().get(pk=change.pk)
    if locked.status != S.PROPOSED:
        raise ValidationError(
            _("This change was already decided (%(status)s); nothing was done.")
            % {"status": locked.get_status_display()}
        )
    if locked.proposed_by_id == actor.pk:
        raise PermissionDenied(
            _("You proposed this change; another 审批领导 must approve or reject it.")
        )
    return locked


def _current(change: SettingChange) -> dict:
    if change.kind == SettingChange.Kind.FUND:
        fund = SpecialFund.objects.filter(year=change.year, claim_type=change.claim_type).first()
        return {"amount": _money(fund.amount) if fund else None}
    return {"parameters": ClaimType.objects.get(pk=change.claim_type_id).parameters}


def setting_change_approve(
    *, actor: User, change: SettingChange, reason: str = ""
) -> SettingChange:
    """A second approver approves: the new budget or rates take effect now."""
    with transaction.atomic():
        change = _lock_open(actor, change)
        if _current(change) != change.before:
            raise ValidationError(
                _(
                    "The value changed since this was proposed (it was %(before)s, it is "
                    "%(now)s); reject it and propose again from the current value."
                )
                % {"before": change.before, "now": _current(change)}
            )
        if change.kind == SettingChange.Kind.FUND:
            fund_set(
                actor=actor,
                year=change.year,
                amount=change.amount,
                claim_type=change.claim_type,
                note=change.note,
            )
        else:
            claim_type_save(
                actor=actor,
                claim_type=change.claim_type,
                data={"parameters": change.parameters},
                reason=change.reason,
                approved_change=change,
            )
        change.status = S.APPROVED
        change.decided_by, change.decided_at = actor, timezone.now()
        change.decision_reason = (reason or "").strip()
        change.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        audit.log(
            actor,
            change,
            "subsidies.settingchange.approved",
            **_details(change, change.decision_reason),
        )
    return change


def setting_change_reject(*, actor: User, change: SettingChange, reason: str) -> SettingChange:
    """A second approver rejects: nothing changes; the reason is kept."""
    reason = _reason(reason)
    with transaction.atomic():
        change = _lock_open(actor, change)
        change.status = S.REJECTED
        change.decided_by, change.decided_at = actor, timezone.now()
        change.decision_reason = reason
        change.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        audit.log(actor, change, "subsidies.settingchange.rejected", **_details(change, reason))
    return change
