"""Names of the audit actions this app writes (see kunqu_jiafu/audit/actions.py)."""

from django.utils.translation import pgettext_lazy

ACTIONS = {
    "second_factor.device.enrolled": pgettext_lazy("audit action", "Authenticator app set up"),
    "second_factor.code.refused": pgettext_lazy("audit action", "Second-factor code refused"),
    "second_factor.recovery_code.used": pgettext_lazy("audit action", "Recovery code used"),
    "second_factor.device.reset": pgettext_lazy("audit action", "Second factor reset"),
}
