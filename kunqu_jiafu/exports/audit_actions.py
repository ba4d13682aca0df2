"""Names of the audit actions this app writes (see kunqu_jiafu/audit/actions.py)."""

from django.utils.translation import pgettext_lazy

ACTIONS = {
    "exports.exportjob.requested": pgettext_lazy("audit action", "Background export requested"),
    "exports.exportjob.retried": pgettext_lazy("audit action", "Background export retried"),
    "exports.exportjob.downloaded": pgettext_lazy("audit action", "Exported file downloaded"),
}
