"""Writes of inspections: one module a concept, one function a verb."""
