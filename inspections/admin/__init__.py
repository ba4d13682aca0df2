"""The admin of inspections: one module a concept."""

from . import (  # noqa: F401  (registers the admins)
    inspections,
    rectifications,
    rounds,
    spotcheck_items,
    spotchecks,
    templates,
)
