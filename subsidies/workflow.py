"""The claim workflow as a table anyone can read:
(current status, action) -> next status, who may, whether a reason is required.
The rows are kunqu_jiafu.workflow Transitions; find and available read this one table, and
``allowed``/``check`` are the one answer to "may this user take this step now", which the
services, the admin, the portal and the API all ask."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.permissions import user_agency_id
from kunqu_jiafu import workflow as core
from kunqu_jiafu.accounts.roles import AGENCY_USER, APPROVER, REVIEWER, has_role, is_agency_user
from kunqu_jiafu.workflow import Transition

from .models import Claim, SettingChange

S = Claim.Status
STAFF = (REVIEWER, APPROVER)

TRANSITIONS = (
    Transition(
        "submit", S.DRAFT, S.SUBMITTED, (AGENCY_USER,), False, gettext_lazy("Submit the claim")
    ),
    Transition("withdraw", S.DRAFT, S.WITHDRAWN, (AGENCY_USER,), False, gettext_lazy("Withdraw")),
    Transition(
        "resubmit",
        S.RETURNED,
        S.SUBMITTED,
        (AGENCY_USER,),
        False,
        gettext_lazy("Submit again after correction"),
    ),
    Transition(
        "withdraw", S.RETURNED, S.WITHDRAWN, (AGENCY_USER,), False, gettext_lazy("Withdraw")
    ),
    Transition(
        "first_pass",
        S.SUBMITTED,
        S.FIRST_PASSED,
        (REVIEWER,),
        False,
        gettext_lazy("Pass the first review"),
    ),
    Transition(
        "return", S.SUBMITTED, S.RETURNED, (REVIEWER,), True, gettext_lazy("Return for correction")
    ),
    Transition(
        "reject", S.SUBMITTED, S.REJECTED, (REVIEWER,), True, gettext_lazy("Do not approve")
    ),
    Transition(
        "approve", S.FIRST_PASSED, S.APPROVED, (APPROVER,), False, gettext_lazy("Approve the claim")
    ),
    Transition(
        "return",
        S.FIRST_PASSED,
        S.RETURNED,
        (APPROVER,),
        True,
        gettext_lazy("Return for correction"),
    ),
    Transition(
        "reject", S.FIRST_PASSED, S.REJECTED, (APPROVER,), True, gettext_lazy("Do not approve")
    ),
    Transition("pay", S.APPROVED, S.PAID, STAFF, False, gettext_lazy("Record the payment")),
    Transition(
        "revoke", S.APPROVED, S.REVOKED, STAFF, True, gettext_lazy("Revoke and recover the money")
    ),
    Transition(
        "revoke", S.PAID, S.REVOKED, STAFF, True, gettext_lazy("Revoke and recover the money")
    ),
)

# Actions in which the claim's figures or attachments may still change.
EDITABLE = (S.DRAFT, S.RETURNED)


def find(source: str, action: str) -> Transition | None:
    return core.find(TRANSITIONS, source, action)


def available(source: str, roles: Iterable[str]) -> list[Transition]:
    return core.available(TRANSITIONS, source, roles)


def allowed(user, claim: Claim, action: str) -> tuple[Transition | None, str]:
    """The transition the user may take on the claim now, or None and the reason why not."""
    transition = find(claim.status, action)
    if transition is None:
        return None, _("This action is not possible while the claim is %(status)s.") % {
            "status": claim.get_status_display()
        }
    if not has_role(user, *transition.roles):
        return None, _("You do not have the role needed for this action.")
    if is_agency_user(user) and not user.is_superuser and user_agency_id(user) != claim.agency_id:
        return None, _("You may only act on your own agency's claims.")
    if (
        action in ("approve", "return", "reject")
        and claim.status == S.FIRST_PASSED
        and has_role(user, APPROVER)
        and claim.first_reviewed_by_id == user.pk
    ):
        # Four eyes: the approver may not be the person who did the first review.
        return None, _(
            "You did the first review of this claim; a different approver must decide it."
        )
    return transition, ""


def check(user, claim: Claim, action: str) -> Transition:
    """The transition found for this step, or PermissionDenied with the reason."""
    transition, reason = allowed(user, claim, action)
    if transition is None:
        raise PermissionDenied(reason)
    return transition


# --- budget and rate changes (services/changes.py) ----------------------------------------------

_C = SettingChange.Status
# Four eyes: the approver who proposed a change is not offered its decision (the service
# refuses it too, and a database constraint after it).
SETTING_CHANGE_TRANSITIONS = (
    Transition(
        "approve", _C.PROPOSED, _C.APPROVED, (APPROVER,), False, gettext_lazy("Approve the change")
    ),
    Transition(
        "reject", _C.PROPOSED, _C.REJECTED, (APPROVER,), True, gettext_lazy("Reject the change")
    ),
)
