"""The claim workflow as a table anyone can read:
(current status, action) -> next status, who may, whether a reason is required."""

from __future__ import annotations

from dataclasses import dataclass

from kunqu_jiafu.accounts.roles import AGENCY_USER, APPROVER, REVIEWER

from .models import Claim

S = Claim.Status
STAFF = (REVIEWER, APPROVER)


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    roles: tuple[str, ...]
    needs_reason: bool
    label: str


TRANSITIONS = (
    Transition("submit", S.DRAFT, S.SUBMITTED, (AGENCY_USER,), False, "提交申请"),
    Transition("withdraw", S.DRAFT, S.WITHDRAWN, (AGENCY_USER,), False, "撤回"),
    Transition("resubmit", S.RETURNED, S.SUBMITTED, (AGENCY_USER,), False, "补正后重新提交"),
    Transition("withdraw", S.RETURNED, S.WITHDRAWN, (AGENCY_USER,), False, "撤回"),
    Transition("first_pass", S.SUBMITTED, S.FIRST_PASSED, (REVIEWER,), False, "初审通过"),
    Transition("return", S.SUBMITTED, S.RETURNED, (REVIEWER,), True, "退回补正"),
    Transition("reject", S.SUBMITTED, S.REJECTED, (REVIEWER,), True, "不予通过"),
    Transition("approve", S.FIRST_PASSED, S.APPROVED, (APPROVER,), False, "审批通过"),
    Transition("return", S.FIRST_PASSED, S.RETURNED, (APPROVER,), True, "退回补正"),
    Transition("reject", S.FIRST_PASSED, S.REJECTED, (APPROVER,), True, "不予通过"),
    Transition("pay", S.APPROVED, S.PAID, STAFF, False, "登记拨付"),
    Transition("revoke", S.APPROVED, S.REVOKED, STAFF, True, "撤销并追回"),
    Transition("revoke", S.PAID, S.REVOKED, STAFF, True, "撤销并追回"),
)

# Actions in which the claim's figures or attachments may still change.
EDITABLE = (S.DRAFT, S.RETURNED)


def find(source: str, action: str) -> Transition | None:
    for transition in TRANSITIONS:
        if transition.source == source and transition.action == action:
            return transition
    return None


def available(source: str, roles) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == source and set(t.roles) & set(roles)]
