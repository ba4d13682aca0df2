"""Who may do what with inspections: (allowed, reason), for the phone form, the admin and the
API alike."""

from __future__ import annotations

from django.utils.translation import gettext as _

from agencies.permissions import user_agency_id
from kunqu_jiafu.accounts.roles import APPROVER, REVIEWER, has_role, is_agency_user

from .models import Inspection

Result = tuple[bool, str]
OK: Result = (True, "")


def can_score(user, inspection: Inspection) -> Result:
    """Only the two inspectors assigned to it score an inspection (the bureau's rule), and
    only while it is not concluded."""
    if not user.is_authenticated or not has_role(user, REVIEWER, APPROVER):
        return False, _("Only bureau staff score inspections.")
    if user.pk not in (inspection.inspector_1_id, inspection.inspector_2_id):
        return False, _("Only the two inspectors assigned to this inspection may score it.")
    if inspection.status == Inspection.Status.CONCLUDED:
        return False, _("This inspection is concluded; its scores can no longer change.")
    return OK


def can_view_inspection_photo(user, inspection: Inspection) -> Result:
    """Bureau reviewers and approvers see an inspection's photos; the agency's own users see
    them once the inspection is concluded (what was found, e.g. what to fix); officials see
    figures, not files (the documents rule), and other agencies nothing."""
    if has_role(user, REVIEWER, APPROVER) and not is_agency_user(user):
        return OK
    if (
        is_agency_user(user)
        and user_agency_id(user) == inspection.agency_id
        and inspection.status == Inspection.Status.CONCLUDED
    ):
        return OK
    return False, _("You may not view this photo.")
