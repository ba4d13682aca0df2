"""REST API of inspections: thin viewsets over selectors and services, scoped like the rest
(an agency user sees only its own agency's inspections, rectifications and checked records;
field visits are the bureau's)."""

from __future__ import annotations

from . import spotchecks
from .visits import FieldVisitViewSet


def register(router) -> None:
    from .rectifications import InspectionViewSet, RectificationViewSet

    router.register("inspections", InspectionViewSet, basename="inspection")
    router.register("rectifications", RectificationViewSet, basename="rectification")
    spotchecks.register(router)
    router.register("field-visits", FieldVisitViewSet, basename="field-visit")
