"""The claim workflow as a table anyone can read:
(current status, action) -> next status, who may, whether a reason is required.
The rows are kunqu_jiafu.workflow Transitions; find and available read this one table."""

from __future__ import annotations

from collections.abc import Iterable

from kunqu_jiafu import workflow as core
from kunqu_jiafu.accounts.roles import AGENCY_USER, APPROVER, REVIEWER
from kunqu_jiafu.workflow import Transition

from .models import Claim

S = Claim.Status
STAFF = (REVIEWER, APPROVER)

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
    return core.find(TRANSITIONS, source, action)


def available(source: str, roles: Iterable[str]) -> list[Transition]:
    return core.available(TRANSITIONS, source, roles)
