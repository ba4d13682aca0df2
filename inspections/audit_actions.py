"""Names of the audit actions this app writes (see kunqu_jiafu/audit/actions.py)."""

from django.utils.translation import pgettext_lazy  # noqa: F401

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
}
