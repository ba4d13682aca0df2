"""What may happen to an application, a voucher and a statement, by status and role.

Read top to bottom: (action, current status, next status, roles, reason required, label). The
admin offers its buttons and bulk actions from these tables; the services ask ``find`` whether
the action is open from the object's status now, and check roles, caps and four eyes again."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from kunqu_jiafu import workflow as core
from kunqu_jiafu.accounts.roles import APPROVER, REVIEWER
from kunqu_jiafu.workflow import Transition

from .models import Application, Settlement, Voucher

STAFF = (REVIEWER, APPROVER)
A = Application.Status
V = Voucher.Status
S = Settlement.Status

APPLICATION_TRANSITIONS = (
    Transition("approve_issue", A.SUBMITTED, A.ISSUED, STAFF, False, _("Approve and issue")),
    Transition("approve", A.SUBMITTED, A.APPROVED, STAFF, False, _("Approve")),
    Transition("reject", A.SUBMITTED, A.REJECTED, STAFF, True, _("Reject")),
    Transition("issue", A.APPROVED, A.ISSUED, STAFF, False, _("Issue the voucher")),
)

# A voucher whose home service is recorded (follow-up calls are made about these).
USED = (V.REDEEMED, V.VERIFIED, V.REJECTED, V.REIMBURSED)
VOUCHER_TRANSITIONS = (
    Transition("choose_agency", V.ISSUED, V.ISSUED, STAFF, False, _("Choose the agency")),
    Transition("void", V.ISSUED, V.VOIDED, STAFF, True, _("Void")),
    Transition("verify_pass", V.REDEEMED, V.VERIFIED, STAFF, False, _("Verification passed")),
    Transition("verify_fail", V.REDEEMED, V.REJECTED, STAFF, True, _("Verification failed")),
    *(
        Transition("follow_up", status, status, STAFF, False, _("Record a follow-up call"))
        for status in USED
    ),
)

SETTLEMENT_TRANSITIONS = (
    Transition("mark_paid", S.ISSUED, S.PAID, (APPROVER,), False, _("Mark as paid")),
)


def find(table: tuple[Transition, ...], source: str, action: str) -> Transition | None:
    """The one check: the row of ``action`` from status ``source``, None when it is not open."""
    return core.find(table, source, action)


def available(table: tuple[Transition, ...], source: str, roles: Iterable[str]) -> list[Transition]:
    return core.available(table, source, roles)
