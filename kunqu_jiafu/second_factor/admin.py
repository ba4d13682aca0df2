"""The second factor in the back office: no device lists (they hold the secrets). The one action,
resetting an account's second factor, is on the user list (actions.py).

This module is found by the admin's autodiscovery after django-otp's plugins (INSTALLED_APPS
order), so their device admins are registered by then and are taken off here."""

from __future__ import annotations

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

# django-otp's plugins register their device admins (showing keys and QR codes); a device's
# secret is the second factor itself, so nobody browses them.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
