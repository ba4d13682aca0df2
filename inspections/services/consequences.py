"""What follows a concluded inspection (called by the scoring service once the result is
written): a failed annual inspection opens a rectification; a concluded re-inspection closes
it, and a failed one revokes the recognitions involved through the agencies service."""

from __future__ import annotations


def after_conclusion(inspection) -> None:
    """Filled in by the rectification work of issue 12 (inspections/services/rectifications.py)."""
    return None
