"""Who may see and run courses: (allowed, reason), for portal, admin and API alike."""

from __future__ import annotations

from django.utils.translation import gettext as _

from agencies.models import Agency
from agencies.permissions import user_agency_id
from kunqu_jiafu.accounts.roles import APPROVER, REVIEWER, has_role, is_agency_user, is_staff_member

from .models import Course

Result = tuple[bool, str]
OK: Result = (True, "")


def can_view_course(user, course: Course) -> Result:
    if is_staff_member(user):
        return OK
    if is_agency_user(user) and user_agency_id(user) == course.provider_id:
        return OK
    return False, _("You may only see your own agency's courses.")


def can_manage_course(user, course: Course) -> Result:
    allowed, reason = can_view_course(user, course)
    if not allowed:
        return allowed, reason
    if has_role(user, REVIEWER, APPROVER) and not is_agency_user(user):
        return OK
    if not is_agency_user(user):
        return False, _("Your role may only read training records.")
    if course.provider.status != Agency.Status.REGISTERED:
        return False, _("Only a registered agency can run courses.")
    if course.status == Course.Status.CANCELLED:
        return False, _("The course was cancelled.")
    return OK


def can_create_course(user, provider: Agency) -> Result:
    if has_role(user, REVIEWER, APPROVER) and not is_agency_user(user):
        return OK
    if not is_agency_user(user) or user_agency_id(user) != provider.pk:
        return False, _("You may only plan courses for your own agency.")
    if provider.status != Agency.Status.REGISTERED:
        return False, _("Only a registered agency can run courses.")
    return OK
