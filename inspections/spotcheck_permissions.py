"""Who may do what with spot checks (抽查核实): (allowed, reason), for the admin, the staff
pages, the portal and the API alike."""

from __future__ import annotations

from django.utils.translation import gettext as _

from agencies.permissions import user_agency_id
from kunqu_jiafu.accounts.roles import APPROVER, REVIEWER, has_role, is_agency_user, is_staff_member

Result = tuple[bool, str]
OK: Result = (True, "")


def can_run_spot_checks(user) -> Result:
    """Reviewers and approvers draw samples, assign them and record outcomes."""
    if has_role(user, REVIEWER, APPROVER) and not is_agency_user(user):
        return OK
    return False, _("Only bureau reviewers and approvers run spot checks.")


def can_view_spot_checks(user) -> Result:
    """Bureau staff (officials included) read every spot check and how to redraw it."""
    if is_staff_member(user):
        return OK
    return False, _("Only bureau staff see spot checks.")


def can_view_own_checked_records(user) -> Result:
    """An agency user sees its own agency's records found false."""
    if is_agency_user(user) and user_agency_id(user):
        return OK
    return False, _("Only an agency's own users see its spot-checked records.")
