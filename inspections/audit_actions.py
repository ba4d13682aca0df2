"""Names of the audit actions this app writes (see kunqu_jiafu/audit/actions.py)."""

from django.utils.translation import pgettext_lazy

ACTIONS: dict = {
    # performance evaluation (绩效考评)
    "inspections.evaluation_scheme.created": pgettext_lazy(
        "audit action", "Performance evaluation scheme created"
    ),
    "inspections.evaluation_scheme.updated": pgettext_lazy(
        "audit action", "Performance evaluation thresholds changed"
    ),
    "inspections.evaluation_scheme.closed": pgettext_lazy(
        "audit action", "Performance evaluation year closed"
    ),
    "inspections.evaluation_criterion.saved": pgettext_lazy(
        "audit action", "Evaluation criterion saved"
    ),
    "inspections.evaluation_criterion.deleted": pgettext_lazy(
        "audit action", "Evaluation criterion deleted"
    ),
    "inspections.evaluation.year_created": pgettext_lazy(
        "audit action", "The year's performance evaluations created"
    ),
    "inspections.evaluation.scored": pgettext_lazy("audit action", "Performance evaluation scored"),
    "inspections.evaluation.concluded": pgettext_lazy(
        "audit action", "Performance evaluation concluded"
    ),
    # field visits (实地走访)
    "inspections.visit.recorded": pgettext_lazy("audit action", "Field visit recorded"),
    "inspections.visit.updated": pgettext_lazy("audit action", "Field visit corrected"),
}
