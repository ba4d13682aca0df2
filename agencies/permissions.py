"""One place that says who may do what in the agencies area: (allowed, reason).

Used by the portal, the admin and the API alike.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from kunqu_jiafu.accounts.roles import (
    APPROVER,
    REVIEWER,
    has_role,
    is_agency_user,
    is_staff_member,
)
from kunqu_jiafu.workflow import find

from . import workflow
from .models import Agency, EmployeeSystemFiling, SurveyReturn, Worker

Result = tuple[bool, str]
OK: Result = (True, "")


def user_agency_id(user) -> int | None:
    membership = getattr(user, "agency_membership", None) if user.is_authenticated else None
    return membership.agency_id if membership is not None else None


def can_view_agency(user, agency: Agency) -> Result:
    if is_staff_member(user):
        return OK
    if is_agency_user(user) and user_agency_id(user) == agency.pk:
        return OK
    return False, _("You may only see your own agency.")


def can_edit_agency(user, agency: Agency) -> Result:
    allowed, reason = can_view_agency(user, agency)
    if not allowed:
        return allowed, reason
    if has_role(user, REVIEWER, APPROVER):
        return OK
    if not is_agency_user(user):  # officials read only
        return False, _("Your role may only read agency records.")
    if not workflow.AGENCY_EDITABLE_FIELDS.get(agency.status):
        return False, _("A deregistered agency can no longer be edited.")
    return OK


def can_transition_agency(user, agency: Agency, action: str) -> Result:
    transition = find(workflow.AGENCY_TRANSITIONS, agency.status, action)
    if transition is None:
        return False, _("This action is not possible while the agency is %(status)s.") % {
            "status": agency.get_status_display()
        }
    if not has_role(user, *transition.roles):
        return False, _("You do not have the role needed for this action.")
    if is_agency_user(user) and not user.is_superuser and user_agency_id(user) != agency.pk:
        return False, _("You may only act on your own agency.")
    return OK


def can_manage_workers(user, agency: Agency) -> Result:
    allowed, reason = can_view_agency(user, agency)
    if not allowed:
        return allowed, reason
    if has_role(user, REVIEWER, APPROVER):
        return OK
    if not is_agency_user(user):  # officials read only
        return False, _("Your role may only read agency records.")
    if agency.status not in workflow.WORKING_STATUSES:
        return False, _(
            "Workers can only be kept while the agency is applying, registered or suspended."
        )
    return OK


def can_import_workers(user, agency: Agency) -> Result:
    """Import from a spreadsheet: as ``can_manage_workers``, and an agency user's agency must
    be registered (not still applying)."""
    allowed, reason = can_manage_workers(user, agency)
    if not allowed or not is_agency_user(user):
        return allowed, reason
    if agency.status not in workflow.IMPORT_STATUSES:
        return False, _(
            "Workers can be imported from Excel once the agency is registered; until then "
            "please add them one by one."
        )
    return OK


def can_view_worker(user, worker: Worker) -> Result:
    return can_view_agency(user, worker.agency)


def can_submit_filing(user, agency: Agency) -> Result:
    allowed, reason = can_view_agency(user, agency)
    if not allowed:
        return allowed, reason
    if not is_agency_user(user):
        return False, _("Only the agency's own users file for employee-system status.")
    if agency.status not in workflow.FILING_STATUSES:
        return False, _("Only a registered agency can file as an employee-system enterprise.")
    return OK


def can_transition_filing(user, filing: EmployeeSystemFiling, action: str) -> Result:
    transition = find(workflow.FILING_TRANSITIONS, filing.status, action)
    if transition is None:
        return False, _("This action is not possible while the filing is %(status)s.") % {
            "status": filing.get_status_display()
        }
    if not has_role(user, *transition.roles):
        return False, _("You do not have the role needed for this action.")
    if is_agency_user(user) and not user.is_superuser and user_agency_id(user) != filing.agency_id:
        return False, _("You may only act on your own agency.")
    return OK


def can_fill_survey(user, agency: Agency) -> Result:
    """Fill in and submit the agency's own statistical survey return (the form's dates and
    the return's status are the service's checks)."""
    allowed, reason = can_view_agency(user, agency)
    if not allowed:
        return allowed, reason
    if not is_agency_user(user):
        return False, _("Only the agency's own users fill in its statistical survey.")
    if agency.status not in workflow.SURVEY_STATUSES:
        return False, _("Only a registered agency takes part in the statistical survey.")
    return OK


def can_transition_survey(user, survey_return: SurveyReturn, action: str) -> Result:
    transition = find(workflow.SURVEY_TRANSITIONS, survey_return.status, action)
    if transition is None:
        return False, _("This action is not possible while the return is %(status)s.") % {
            "status": survey_return.get_status_display()
        }
    if not has_role(user, *transition.roles):
        return False, _("You do not have the role needed for this action.")
    if is_agency_user(user) and user_agency_id(user) != survey_return.agency_id:
        return False, _("You may only act on your own agency.")
    return OK


def can_remind_survey(user) -> Result:
    if has_role(user, REVIEWER, APPROVER):
        return OK
    return False, _("Only reviewers and approvers send survey reminders.")
