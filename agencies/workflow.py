"""Who may move an agency or a filing from one status to the next.

Read top to bottom: (current status, action) -> (next status, roles allowed, reason required).
"""

from __future__ import annotations

from dataclasses import dataclass

from kunqu_jiafu.accounts.roles import AGENCY_USER, APPROVER, REVIEWER

from .models import Agency, EmployeeSystemFiling

A = Agency.Status
F = EmployeeSystemFiling.Status
STAFF = (REVIEWER, APPROVER)


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    roles: tuple[str, ...]
    needs_reason: bool
    label: str


AGENCY_TRANSITIONS = (
    Transition("register", A.APPLYING, A.REGISTERED, STAFF, False, "准予登记"),
    Transition("reject", A.APPLYING, A.REJECTED, STAFF, True, "驳回"),
    Transition("reapply", A.REJECTED, A.APPLYING, (AGENCY_USER,), False, "重新申请"),
    Transition("suspend", A.REGISTERED, A.SUSPENDED, STAFF, True, "暂停"),
    Transition("reinstate", A.SUSPENDED, A.REGISTERED, STAFF, True, "恢复"),
    Transition("deregister", A.REGISTERED, A.DEREGISTERED, STAFF, True, "注销"),
    Transition("deregister", A.SUSPENDED, A.DEREGISTERED, STAFF, True, "注销"),
)

FILING_TRANSITIONS = (
    Transition("approve", F.SUBMITTED, F.FILED, STAFF, False, "准予备案"),
    Transition("return", F.SUBMITTED, F.RETURNED, STAFF, True, "退回补正"),
    Transition("refuse", F.SUBMITTED, F.REFUSED, STAFF, True, "不予备案"),
    Transition("resubmit", F.RETURNED, F.SUBMITTED, (AGENCY_USER,), False, "重新提交"),
)


def find(table: tuple[Transition, ...], source: str, action: str) -> Transition | None:
    for transition in table:
        if transition.source == source and transition.action == action:
            return transition
    return None


def available(
    table: tuple[Transition, ...], source: str, roles: frozenset[str] | set[str]
) -> list[Transition]:
    return [t for t in table if t.source == source and set(t.roles) & set(roles)]


# What an agency user may change in each status (staff edit in the admin).
AGENCY_EDITABLE_FIELDS = {
    A.APPLYING: (
        "name",
        "uscc",
        "legal_representative",
        "contact_name",
        "phone",
        "address",
        "street",
        "formats",
        "founded_on",
        "employee_count",
    ),
    A.REJECTED: (
        "name",
        "uscc",
        "legal_representative",
        "contact_name",
        "phone",
        "address",
        "street",
        "formats",
        "founded_on",
        "employee_count",
    ),
    A.REGISTERED: ("contact_name", "phone", "address", "formats", "employee_count"),
    A.SUSPENDED: ("contact_name", "phone", "address"),
    A.DEREGISTERED: (),
}
# Agencies whose workers may be kept and who may file.
WORKING_STATUSES = (A.APPLYING, A.REGISTERED, A.SUSPENDED)
FILING_STATUSES = (A.REGISTERED,)
