"""Who may see and ask for the statistical reports: bureau staff and officials (统计查询),
through the permissions their roles grant (ReportsConfig.role_permissions); agencies never."""

from __future__ import annotations

from django.utils.translation import gettext as _


def can_view(user) -> tuple[bool, str]:
    if not getattr(user, "is_authenticated", False):
        return False, _("Please sign in.")
    if user.has_perm("reports.view_reportrun"):
        return True, ""
    return False, _("Only bureau staff and officials see the statistical reports.")


def can_request(user) -> tuple[bool, str]:
    allowed, reason = can_view(user)
    if not allowed:
        return allowed, reason
    if user.has_perm("reports.request_reportrun"):
        return True, ""
    return False, _("You may read the statistical reports but not produce them.")
