"""Names of the audit actions this app writes (see kunqu_jiafu/audit/actions.py)."""

from django.utils.translation import pgettext_lazy

ACTIONS = {
    "documents.document.file_missing": pgettext_lazy(
        "audit action", "Stored file missing when opened"
    ),
}
