"""The admin of inspections: one module a concept."""

from . import rectifications  # noqa: F401
