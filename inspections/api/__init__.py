"""REST API of inspections: thin viewsets over selectors and services, scoped like the rest
(an agency user sees only its own agency's inspections, rectifications and checked records)."""

from __future__ import annotations

from .visits import FieldVisitViewSet


def register(router) -> None:
    router.register("field-visits", FieldVisitViewSet, basename="field-visit")
