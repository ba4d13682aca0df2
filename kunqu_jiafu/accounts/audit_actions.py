"""Names of the audit actions this app writes (see kunqu_jiafu/audit/actions.py)."""

from django.utils.translation import pgettext_lazy

ACTIONS = {
    "accounts.user.signed_up": pgettext_lazy("audit action", "Account signed up"),
    "accounts.sign_in.throttled": pgettext_lazy(
        "audit action", "Sign-in refused: too many failed attempts"
    ),
    "accounts.password.changed": pgettext_lazy("audit action", "Password changed by its owner"),
    "accounts.password.set_by_admin": pgettext_lazy(
        "audit action", "Password set by an administrator"
    ),
    "accounts.password.reset": pgettext_lazy("audit action", "Password reset by e-mail link"),
}
