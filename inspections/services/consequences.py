"""What follows a concluded inspection (called by the scoring service once the result is
written): a failed annual inspection opens a rectification; a concluded re-inspection closes
it, and a failed one revokes the recognitions involved through the agencies service."""

from __future__ import annotations

from ..models import Inspection
from .rectifications import rectification_close, rectification_open


def after_conclusion(inspection: Inspection) -> None:
    """The plan's "优胜劣汰": an ANNUAL inspection concluded 不合格 opens a rectification
    (deadline, what to fix, the agency told); a concluded RE-INSPECTION closes the parent's
    rectification, 合格 / 基本合格 as passed, 不合格 as failed with the recognitions involved
    revoked (subject a recognition: that one; subject the agency: every valid recognition of
    the agency). Idempotent: calling it twice opens or closes nothing twice."""
    if inspection.status != Inspection.Status.CONCLUDED:
        return
    if inspection.kind == Inspection.Kind.REINSPECTION:
        rectification_close(inspection)
    elif inspection.result == Inspection.Result.FAILED:
        rectification_open(inspection)
