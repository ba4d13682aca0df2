"""Names of the audit actions this app writes (see kunqu_jiafu/audit/actions.py)."""

from django.utils.translation import pgettext_lazy

ACTIONS = {
    "notifications.notification.email_again": pgettext_lazy(
        "audit action", "Failed e-mail sent again"
    ),
}
