"""Names of the audit actions this app writes (see kunqu_jiafu/audit/actions.py)."""

from django.utils.translation import pgettext_lazy

ACTIONS: dict = {
    "inspections.inspection.draft_saved": pgettext_lazy(
        "audit action", "Inspection form draft saved"
    ),
    "inspections.inspection.scored": pgettext_lazy("audit action", "Inspection scores saved"),
    "inspections.inspection.concluded": pgettext_lazy("audit action", "Inspection concluded"),
    "inspections.inspection.photo_added": pgettext_lazy("audit action", "Inspection photo added"),
}
