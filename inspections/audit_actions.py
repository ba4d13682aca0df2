"""Names of the audit actions this app writes (see kunqu_jiafu/audit/actions.py)."""

from django.utils.translation import pgettext_lazy  # noqa: F401

ACTIONS: dict = {}

ACTIONS.update(
    {
        "inspections.spotcheck.drawn": pgettext_lazy("audit action", "Spot-check sample drawn"),
        "inspections.spotcheck.assigned": pgettext_lazy(
            "audit action", "Spot-checked record assigned"
        ),
        "inspections.spotcheck.recorded": pgettext_lazy(
            "audit action", "Spot-check outcome recorded"
        ),
    }
)
