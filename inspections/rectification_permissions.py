"""Who may see and answer inspections and rectifications: (allowed, reason), for the portal,
the admin and the API alike."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.permissions import user_agency_id
from kunqu_jiafu.accounts.roles import APPROVER, REVIEWER, has_role, is_agency_user, is_staff_member

from .models import Inspection, Rectification

Result = tuple[bool, str]
OK: Result = (True, "")


def can_view_inspection(user, inspection: Inspection) -> Result:
    if is_staff_member(user):
        return OK
    if is_agency_user(user) and user_agency_id(user) == inspection.agency_id:
        return OK
    return False, _("You may only see your own agency's inspections.")


def can_view_rectification(user, rectification: Rectification) -> Result:
    return can_view_inspection(user, rectification.inspection)


def can_answer_rectification(user, rectification: Rectification) -> Result:
    """Only the agency's own users, only while the rectification is open and its deadline has
    not passed (the deadline day itself still counts)."""
    if not is_agency_user(user) or user_agency_id(user) != rectification.inspection.agency_id:
        return False, _("Only the inspected agency answers its rectification.")
    if rectification.status != Rectification.Status.OPEN:
        return False, _("The rectification is %(status)s; it can no longer be answered.") % {
            "status": rectification.get_status_display()
        }
    if timezone.localdate() > rectification.deadline:
        return False, _(
            "The rectification deadline (%(date)s) has passed; it can no longer be answered."
        ) % {"date": rectification.deadline.isoformat()}
    return OK


def can_plan_reinspection(user, rectification: Rectification) -> Result:
    """Bureau staff, once the agency has answered. A rectification left unanswered past its
    deadline is not re-inspected: it lapses and the recognitions involved are revoked."""
    if not has_role(user, REVIEWER, APPROVER) or is_agency_user(user):
        return False, _("Only bureau staff plan re-inspections.")
    if rectification.status != Rectification.Status.ANSWERED:
        return False, _(
            "A re-inspection is planned once the agency has answered; this rectification is "
            "%(status)s."
        ) % {"status": rectification.get_status_display()}
    return OK
