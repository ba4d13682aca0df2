"""What the admin offers on an application, a voucher and a statement, by status and role.

Read top to bottom: (action, current status, next status, roles, reason required, label). The
tables only decide which buttons and bulk actions are shown; vouchers.services checks again
(roles, caps, four eyes) and has the last word."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.accounts.roles import APPROVER, REVIEWER
from kunqu_jiafu.workflow import Transition

from ..models import Application, Settlement, Voucher

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

_USED = (V.REDEEMED, V.VERIFIED, V.REJECTED, V.REIMBURSED)
VOUCHER_TRANSITIONS = (
    Transition("choose_agency", V.ISSUED, V.ISSUED, STAFF, False, _("Choose the agency")),
    Transition("void", V.ISSUED, V.VOIDED, STAFF, True, _("Void")),
    Transition("verify_pass", V.REDEEMED, V.VERIFIED, STAFF, False, _("Verification passed")),
    Transition("verify_fail", V.REDEEMED, V.REJECTED, STAFF, True, _("Verification failed")),
    *(
        Transition("follow_up", status, status, STAFF, False, _("Record a follow-up call"))
        for status in _USED
    ),
)

SETTLEMENT_TRANSITIONS = (
    Transition("mark_paid", S.ISSUED, S.PAID, (APPROVER,), False, _("Mark as paid")),
)
