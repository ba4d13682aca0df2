from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecondFactorConfig(AppConfig):
    """The TOTP second factor of staff accounts (django-otp's devices; no models of its own)."""

    name = "kunqu_jiafu.second_factor"
    label = "second_factor"
    verbose_name = _("Second factor")
