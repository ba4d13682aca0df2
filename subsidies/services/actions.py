"""Where the step comes as a word (a URL, an API field, the admin's review kit): the verb for
each workflow action, and the fields each verb takes."""

from __future__ import annotations

from kunqu_jiafu.accounts.models import User

from .. import workflow
from ..models import Claim
from .claims import claim_resubmit, claim_submit, claim_withdraw
from .review import (
    claim_approve,
    claim_first_pass,
    claim_pay,
    claim_reject,
    claim_return,
    claim_revoke,
)

CLAIM_VERBS = {
    "submit": (claim_submit, ()),
    "resubmit": (claim_resubmit, ()),
    "withdraw": (claim_withdraw, ()),
    "first_pass": (claim_first_pass, ()),
    "approve": (claim_approve, ("approved_amount",)),
    "return": (claim_return, ()),
    "reject": (claim_reject, ()),
    "pay": (claim_pay, ("paid_on", "bank_reference")),
    "revoke": (claim_revoke, ()),
}


def claim_act(*, actor: User, claim: Claim, action: str, reason: str = "", **fields) -> Claim:
    """Call the verb of ``action`` with the fields it takes (others are ignored)."""
    if action not in CLAIM_VERBS:
        workflow.check(actor, claim, action)  # no such step: refused with the reason
    verb, names = CLAIM_VERBS[action]
    return verb(
        actor=actor,
        claim=claim,
        reason=reason,
        **{name: fields[name] for name in names if fields.get(name) is not None},
    )
