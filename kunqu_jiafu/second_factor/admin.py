"""The second factor in the back office: no device lists (they hold the secrets), one action on
the user list for the security administrator: reset an account's second factor."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .services import second_factor_reset

# django-otp's plugins register their device admins (showing keys and QR codes); a device's
# secret is the second factor itself, so nobody browses them.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)

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
