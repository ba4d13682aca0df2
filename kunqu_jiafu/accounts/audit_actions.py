"""Names of the audit actions this app writes (see kunqu_jiafu/audit/actions.py)."""

from django.utils.translation import pgettext_lazy

ACTIONS = {
    "accounts.user.signed_up": pgettext_lazy("audit action", "Account signed up"),
}
