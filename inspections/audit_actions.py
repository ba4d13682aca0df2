"""Names of the audit actions this app writes (see kunqu_jiafu/audit/actions.py)."""

from django.utils.translation import pgettext_lazy

ACTIONS: dict = {
    # Rectification and re-inspection (services/rectifications.py)
    "inspections.rectification.opened": pgettext_lazy("audit action", "Rectification required"),
    "inspections.rectification.answered": pgettext_lazy(
        "audit action", "Rectification answered by the agency"
    ),
    "inspections.rectification.closed": pgettext_lazy(
        "audit action", "Rectification closed by the re-inspection"
    ),
    "inspections.rectification.lapsed": pgettext_lazy(
        "audit action", "Rectification deadline missed"
    ),
    "inspections.reinspection.planned": pgettext_lazy("audit action", "Re-inspection planned"),
}
