"""The admin of inspections: one module a concept."""

from . import (  # noqa: F401  (registers the admins)
    evaluations,
    inspections,
    rectifications,
    rounds,
    spotcheck_items,
    spotchecks,
    templates,
    visits,
)
