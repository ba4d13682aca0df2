"""The admin of inspections: one module a concept."""

from . import spotcheck_items, spotchecks  # noqa: E402, F401
