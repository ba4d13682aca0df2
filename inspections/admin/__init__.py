"""The admin of inspections: one module a concept."""
