"""How every step of a claim's workflow is taken: the claim is locked, the workflow's one check
finds the transition, the verb's own work is done, then the status, the audit entry and the
notifications follow, from here only. The verbs are in claims.py (the agency's steps) and
review.py (the bureau's)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.selectors import agency_users
from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.accounts.roles import APPROVER, REVIEWER
from kunqu_jiafu.notifications.services import notify

from .. import workflow
from ..models import Claim
from .base import snapshot

# A verb's own work on the locked claim: (claim, actor, now); it may refuse with an error.
Step = Callable[[Claim, User, object], None]


def _staff(role: str):
    return User.objects.filter(groups__name=role, is_active=True)


def _announcement(claim: Claim, action: str, reason: str) -> tuple | None:
    """(recipients, title, body, link) of the notification a step sends, if any."""
    link = reverse("claims:detail", args=[claim.pk])
    admin_link = reverse("admin:subsidies_claim_change", args=[claim.pk])
    names = {"claim": claim}
    if action in ("submit", "resubmit"):
        return _staff(REVIEWER), _("Subsidy claim to review: %(claim)s") % names, "", admin_link
    if action == "first_pass":
        title = _("Subsidy claim to approve: %(claim)s") % names
        return _staff(APPROVER), title, reason, admin_link
    agency = agency_users(claim.agency)
    if action == "approve":
        body = _("Approved amount: %(amount)s yuan.") % {"amount": claim.approved_amount}
        return agency, _("Subsidy claim approved: %(claim)s") % names, body, link
    if action == "pay":
        body = _("%(amount)s yuan paid on %(date)s.") % {
            "amount": claim.approved_amount,
            "date": claim.paid_on,
        }
        return agency, _("Subsidy paid: %(claim)s") % names, body, link
    titles = {
        "reject": _("Subsidy claim not approved: %(claim)s"),
        "return": _("Subsidy claim returned for correction: %(claim)s"),
        "revoke": _("Subsidy claim revoked: %(claim)s"),
    }
    if action in titles:
        return agency, titles[action] % names, reason, link
    return None  # withdrawing tells no one


def claim_move(
    *, actor: User, claim: Claim, action: str, reason: str = "", step: Step | None = None
) -> Claim:
    """Take one step of workflow.TRANSITIONS; money and notices move with it (in ``step``)."""
    reason = (reason or "").strip()
    with transaction.atomic():
        claim = (
            # of=("self",): lock the claim only, not its type and agency rows that the join
            # would also lock (which serialised every claim of a type and blocked the agency).
            Claim.objects.select_for_update(of=("self",))
            .select_related("claim_type", "agency")
            .get(pk=claim.pk)
        )
        transition = workflow.check(actor, claim, action)
        if transition.needs_reason and not reason:
            raise ValidationError(
                {
                    "reason": _("Please give the reason for “%(action)s”.")
                    % {"action": transition.label}
                }
            )
        before = snapshot(claim)
        if step is not None:
            step(claim, actor, timezone.now())
        announcement = _announcement(claim, action, reason)
        if announcement is not None:
            notify(*announcement)
        claim.status = transition.target
        claim.last_reason = reason
        try:
            with transaction.atomic():
                claim.save()
        except IntegrityError:
            raise ValidationError(
                _("Another live claim of this type and period exists; this one cannot be reopened.")
            ) from None
        audit.log(
            actor,
            claim,
            f"subsidies.claim.{action}",
            before=before,
            after=snapshot(claim),
            reason=reason,
        )
    return claim
