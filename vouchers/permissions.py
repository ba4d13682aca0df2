"""Who may do what with vouchers: (allowed, reason), for the portal, the admin and the API."""

from __future__ import annotations

from django.utils.translation import gettext as _

from agencies.permissions import user_agency_id
from kunqu_jiafu.accounts.roles import (
    APPROVER,
    REVIEWER,
    has_role,
    is_agency_user,
    is_staff_member,
)

from .models import Application, Settlement, Voucher

Result = tuple[bool, str]
OK: Result = (True, "")


def can_handle(user) -> Result:
    """Reviewers (and approvers) enter applications, issue, void, follow up and verify."""
    if has_role(user, REVIEWER, APPROVER):
        return OK
    return False, _("Only bureau reviewers handle employment vouchers.")


def can_view_application(user, application: Application) -> Result:
    if is_staff_member(user):
        return OK
    return False, _("Only bureau staff see voucher applications.")


def can_view_voucher(user, voucher: Voucher) -> Result:
    if is_staff_member(user):
        return OK
    if is_agency_user(user) and voucher.agency_id and user_agency_id(user) == voucher.agency_id:
        return OK
    return False, _("You may only see vouchers whose holders chose your agency.")


def can_redeem(user) -> Result:
    if is_agency_user(user) and user_agency_id(user):
        return OK
    return False, _("Only a participating agency's own users redeem vouchers.")


def can_view_settlement(user, settlement: Settlement) -> Result:
    if is_staff_member(user):
        return OK
    if is_agency_user(user) and user_agency_id(user) == settlement.agency_id:
        return OK
    return False, _("You may only see your own agency's settlement statements.")


def can_mark_paid(user, settlement: Settlement) -> Result:
    if not has_role(user, APPROVER):
        return False, _("Only an approver records the payment of a settlement statement.")
    if settlement.created_by_id == user.pk and not user.is_superuser:
        # Four eyes: the person who drew the statement up does not confirm its payment.
        return False, _("You drew up this statement; a different approver must record its payment.")
    return OK
