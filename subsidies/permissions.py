"""Who may do what with claims: (allowed, reason), for the portal, the admin and the API."""

from __future__ import annotations

from django.utils.translation import gettext as _

from agencies.permissions import user_agency_id
from kunqu_jiafu.accounts.roles import is_agency_user, is_staff_member

from . import workflow
from .models import Claim

Result = tuple[bool, str]
OK: Result = (True, "")


def can_view_claim(user, claim: Claim) -> Result:
    if is_staff_member(user):
        return OK
    if is_agency_user(user) and user_agency_id(user) == claim.agency_id:
        return OK
    return False, _("You may only see your own agency's claims.")


def can_edit_claim(user, claim: Claim) -> Result:
    allowed, reason = can_view_claim(user, claim)
    if not allowed:
        return allowed, reason
    if not is_agency_user(user):
        return False, _("Only the agency itself fills in its claim.")
    if claim.status not in workflow.EDITABLE:
        return False, _("The claim can only be changed as a draft or after it was returned.")
    return OK


def can_transition(user, claim: Claim, action: str) -> Result:
    transition, reason = workflow.allowed(user, claim, action)
    return (transition is not None, reason)
