"""Who may do what in the inspections area: (allowed, reason), for the admin, the staff pages
and the API alike. The bureau's reviewers and approvers plan, assign and inspect; officials
read; agency users see only what concerns their own agency (through the selectors)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.permissions import user_agency_id
from kunqu_jiafu.accounts.roles import (
    APPROVER,
    REVIEWER,
    has_role,
    is_agency_user,
    is_staff_member,
)

from .models import Inspection, Rectification

Result = tuple[bool, str]
OK: Result = (True, "")


def is_bureau_staff(user) -> bool:
    """A reviewer or approver of the bureau (not an agency's account, whatever else it holds)."""
    return has_role(user, REVIEWER, APPROVER) and not is_agency_user(user)


def can_manage_templates(user) -> Result:
    if not is_bureau_staff(user):
        return False, _("Only the bureau's reviewers and approvers keep the checklist templates.")
    return OK


def can_manage_rounds(user) -> Result:
    if not is_bureau_staff(user):
        return False, _("Only the bureau's reviewers and approvers plan the annual round.")
    return OK


def can_assign_inspectors(user) -> Result:
    if not is_bureau_staff(user):
        return False, _("Only the bureau's reviewers and approvers assign inspectors.")
    return OK


def may_inspect(user) -> Result:
    """Whether the user may be named an inspector: active bureau staff, not an agency user."""
    if user is None:
        return False, _("Choose an inspector from the bureau's staff.")
    if not user.is_active:
        return False, _("%(name)s's account is not active.") % {"name": user}
    if not is_bureau_staff(user):
        return False, _(
            "%(name)s is not one of the bureau's reviewers or approvers and may not inspect."
        ) % {"name": user}
    return OK


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


def can_evaluate(user) -> Result:
    """Reviewers and approvers score and conclude the performance evaluation."""
    if has_role(user, REVIEWER, APPROVER) and not is_agency_user(user):
        return OK
    return False, _("Only bureau reviewers and approvers carry out the performance evaluation.")


def can_record_visit(user) -> Result:
    """Reviewers and approvers record field visits; officials only read them."""
    if has_role(user, REVIEWER, APPROVER) and not is_agency_user(user):
        return OK
    return False, _("Only bureau reviewers and approvers record field visits.")


def can_view_visit(user, visit=None) -> Result:
    """Bureau staff and officials read field visits; agencies do not."""
    if is_staff_member(user) and not is_agency_user(user):
        return OK
    return False, _("Only bureau staff see field visits.")


def can_view_visit_photo(user, visit) -> Result:
    """The rule of the visit's photos (kunqu_jiafu.documents): bureau staff only; officials
    see figures, never files (the documents core refuses them before this rule)."""
    if has_role(user, REVIEWER, APPROVER) and not is_agency_user(user):
        return OK
    return False, _("Only bureau staff see the photos of a field visit.")


# --- rectification and re-inspection -------------------------------------------------


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


# --- spot checks (抽查核实) --------------------------------------------------------------


def can_run_spot_checks(user) -> Result:
    """Reviewers and approvers draw samples, assign them and record outcomes."""
    if has_role(user, REVIEWER, APPROVER) and not is_agency_user(user):
        return OK
    return False, _("Only bureau reviewers and approvers run spot checks.")


def may_check_spot_records(user) -> Result:
    """Whether spot-checked records may be assigned to the user: someone who may run spot
    checks (can_run_spot_checks: an active reviewer or approver of the bureau, not an agency's
    account, whatever roles it also holds)."""
    if user is None:
        return False, _("Choose a bureau reviewer or approver to assign the records to.")
    if not can_run_spot_checks(user)[0]:
        return False, _(
            "%(name)s is not an active reviewer or approver of the bureau and may not check "
            "spot-checked records; assign them to a bureau reviewer or approver."
        ) % {"name": user}
    return OK


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
