"""REST API of inspections: thin viewsets over selectors and services, scoped like the rest
(an agency user sees only its own agency's inspections, rectifications and checked records)."""

from __future__ import annotations

from . import spotchecks


def register(router) -> None:
    from .rectifications import InspectionViewSet, RectificationViewSet

    router.register("inspections", InspectionViewSet, basename="inspection")
    router.register("rectifications", RectificationViewSet, basename="rectification")
    spotchecks.register(router)
