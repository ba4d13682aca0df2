"""Who may move an agency or a filing from one status to the next.

Read top to bottom: (current status, action) -> (next status, roles allowed, reason required).
The rows are kunqu_jiafu.workflow Transitions; find and available read them.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kunqu_jiafu.accounts.roles import AGENCY_USER, APPROVER, REVIEWER
from kunqu_jiafu.workflow import Transition, find

from .models import Agency, EmployeeSystemFiling, SurveyReturn

A = Agency.Status
F = EmployeeSystemFiling.Status
S = SurveyReturn.Status
STAFF = (REVIEWER, APPROVER)

AGENCY_TRANSITIONS = (
    Transition("register", A.APPLYING, A.REGISTERED, STAFF, False, gettext_lazy("Register")),
    Transition("reject", A.APPLYING, A.REJECTED, STAFF, True, gettext_lazy("Reject")),
    Transition(
        "reapply", A.REJECTED, A.APPLYING, (AGENCY_USER,), False, gettext_lazy("Apply again")
    ),
    Transition("suspend", A.REGISTERED, A.SUSPENDED, STAFF, True, gettext_lazy("Suspend")),
    Transition("reinstate", A.SUSPENDED, A.REGISTERED, STAFF, True, gettext_lazy("Reinstate")),
    Transition("deregister", A.REGISTERED, A.DEREGISTERED, STAFF, True, gettext_lazy("Deregister")),
    Transition("deregister", A.SUSPENDED, A.DEREGISTERED, STAFF, True, gettext_lazy("Deregister")),
)

FILING_TRANSITIONS = (
    Transition("approve", F.SUBMITTED, F.FILED, STAFF, False, gettext_lazy("Approve the filing")),
    Transition(
        "return", F.SUBMITTED, F.RETURNED, STAFF, True, gettext_lazy("Return for correction")
    ),
    Transition("refuse", F.SUBMITTED, F.REFUSED, STAFF, True, gettext_lazy("Refuse the filing")),
    Transition(
        "resubmit", F.RETURNED, F.SUBMITTED, (AGENCY_USER,), False, gettext_lazy("Resubmit")
    ),
    # The nightly check withdraws below the threshold by itself; staff may withdraw with a reason.
    Transition("withdraw", F.FILED, F.WITHDRAWN, STAFF, True, gettext_lazy("Withdraw the filing")),
)

# The yearly statistical survey: the agency submits (again after a return), staff accept or
# send it back with a reason.
SURVEY_TRANSITIONS = (
    Transition("submit", S.DRAFT, S.SUBMITTED, (AGENCY_USER,), False, gettext_lazy("Submit")),
    Transition("submit", S.RETURNED, S.SUBMITTED, (AGENCY_USER,), False, gettext_lazy("Resubmit")),
    Transition("accept", S.SUBMITTED, S.ACCEPTED, STAFF, False, gettext_lazy("Accept the return")),
    Transition(
        "return", S.SUBMITTED, S.RETURNED, STAFF, True, gettext_lazy("Return for correction")
    ),
)
# Agencies that take part in the survey (and are counted as not filed until they do).
SURVEY_STATUSES = (A.REGISTERED,)


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
# An applicant keeps its workers by hand; an import (a file anyone who signs up could send)
# waits until the bureau has registered the agency.
IMPORT_STATUSES = (A.REGISTERED, A.SUSPENDED)


def check(
    table: tuple[Transition, ...],
    status: str,
    action: str,
    permission: tuple[bool, str],
    reason: str,
) -> Transition:
    """The one check before a status change: the permission answer (permissions.py, which
    reads the same table for roles and ownership), the row for (status, action), and the
    reason when the row asks for one. Returns the row found."""
    allowed, refusal = permission
    if not allowed:
        raise PermissionDenied(refusal)
    transition = find(table, status, action)
    if transition is None:  # the permission answer already refuses this; never reached
        raise PermissionDenied(_("You do not have the role needed for this action."))
    if transition.needs_reason and not (reason or "").strip():
        raise ValidationError(
            {"reason": _("Please give the reason for “%(action)s”.") % {"action": transition.label}}
        )
    return transition
