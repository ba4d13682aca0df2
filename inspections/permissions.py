"""Who may do what in inspections: (allowed, reason), for the admin and the API alike."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kunqu_jiafu.accounts.roles import APPROVER, REVIEWER, has_role, is_agency_user, is_staff_member

Result = tuple[bool, str]
OK: Result = (True, "")


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
