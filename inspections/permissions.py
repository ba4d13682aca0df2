"""Who may do what in the inspections area: (allowed, reason), for the admin, the staff pages
and the API alike. The bureau's reviewers and approvers plan, assign and inspect; officials
read; agency users see only what concerns their own agency (through the selectors)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kunqu_jiafu.accounts.roles import APPROVER, REVIEWER, has_role, is_agency_user

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
