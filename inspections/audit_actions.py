"""Names of the audit actions this app writes (see kunqu_jiafu/audit/actions.py)."""

from django.utils.translation import pgettext_lazy

ACTIONS: dict = {
    # Checklist templates, the round, assignment (inspections/services/templates.py, rounds.py,
    # assignment.py).
    "inspections.template.changed": pgettext_lazy("audit action", "Checklist template changed"),
    "inspections.template.items_changed": pgettext_lazy("audit action", "Checklist items changed"),
    "inspections.template.versioned": pgettext_lazy(
        "audit action", "New checklist template version made"
    ),
    "inspections.round.created": pgettext_lazy("audit action", "Annual inspection round created"),
    "inspections.round.planned": pgettext_lazy("audit action", "Annual inspection round planned"),
    "inspections.inspection.inspectors_assigned": pgettext_lazy(
        "audit action", "Inspectors assigned"
    ),
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
    # Spot checks (services/spotchecks.py)
    "inspections.spotcheck.drawn": pgettext_lazy("audit action", "Spot-check sample drawn"),
    "inspections.spotcheck.assigned": pgettext_lazy("audit action", "Spot-checked record assigned"),
    "inspections.spotcheck.recorded": pgettext_lazy("audit action", "Spot-check outcome recorded"),
    "inspections.spotcheck.closed": pgettext_lazy("audit action", "Spot check closed"),
    # Scoring (services/scoring.py)
    "inspections.inspection.draft_saved": pgettext_lazy(
        "audit action", "Inspection form draft saved"
    ),
    "inspections.inspection.scored": pgettext_lazy("audit action", "Inspection scores saved"),
    "inspections.inspection.concluded": pgettext_lazy("audit action", "Inspection concluded"),
    "inspections.inspection.photo_added": pgettext_lazy("audit action", "Inspection photo added"),
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
