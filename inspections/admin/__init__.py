"""The admin of inspections: one module a concept."""

from . import evaluations, visits  # noqa: F401  (registers the admins)
