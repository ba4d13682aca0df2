"""Names of the audit actions this app writes (see kunqu_jiafu/audit/actions.py)."""

from django.utils.translation import pgettext_lazy

ACTIONS = {
    "tokens.token.issued": pgettext_lazy("audit action", "API token issued"),
}
