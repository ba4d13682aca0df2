"""The security administrator's action on the user list: reset an account's second factor
(kept apart from admin.py, which the accounts admin would otherwise import before django-otp's
plugins register the device admins that admin.py takes off the site)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .services import second_factor_reset

RESET_PERMISSION = "otp_totp.delete_totpdevice"


@admin.action(
    description=gettext_lazy("Reset the second factor (the user sets up a new app)"),
    permissions=["reset_second_factor"],
)
def reset_second_factor(modeladmin, request, queryset):
    count = 0
    for user in queryset:
        second_factor_reset(request.user, user, reason=_("reset in the back office"))
        count += 1
    modeladmin.message_user(
        request,
        _(
            "The second factor of %(count)s account(s) was reset: at the next sign-in each sets "
            "up a new authenticator app and gets new recovery codes."
        )
        % {"count": count},
        messages.SUCCESS,
    )


def has_reset_second_factor_permission(request) -> bool:
    """The security administrator's: django-otp's permission to delete TOTP devices."""
    return request.user.has_perm(RESET_PERMISSION)
