"""Names of the audit actions this app writes (see kunqu_jiafu/audit/actions.py)."""

from django.utils.translation import pgettext_lazy

ACTIONS: dict = {
    "reports.run.requested": pgettext_lazy("audit action", "Statistical report requested"),
    "reports.run.retried": pgettext_lazy("audit action", "Statistical report requested again"),
    "reports.run.finished": pgettext_lazy("audit action", "Statistical report produced"),
    "reports.run.failed": pgettext_lazy("audit action", "Statistical report failed"),
    "reports.run.downloaded": pgettext_lazy("audit action", "Statistical report downloaded"),
}
