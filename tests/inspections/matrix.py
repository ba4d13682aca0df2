"""The inspections objects of the permission matrix's world (tests/url_matrix.py): this year's
round, planned (so agency A has its annual inspection), and the agency checklist it uses."""

from __future__ import annotations

import datetime as dt

from inspections.models import ChecklistTemplate, Inspection, InspectionRound
from inspections.services import rounds


def world_objects(org_a, approver) -> dict[str, object]:
    today = dt.date.today()
    round = rounds.round_create(
        actor=approver,
        year=today.year,
        title=f"{today.year} 年度年检复核",
        starts_on=dt.date(today.year, 1, 1),
        due_on=dt.date(today.year, 12, 31),
    )
    rounds.round_plan(actor=approver, round=round)
    return {
        "inspection_round": round,
        "inspection_a": Inspection.objects.get(round=round, agency=org_a, recognition=None),
        "checklist_template": ChecklistTemplate.objects.get(subject_kind="agency", current=True),
    }


def fingerprint() -> dict[str, object]:
    """What a forbidden request must leave exactly as it was."""
    return {
        "checklist_templates": sorted(
            ChecklistTemplate.objects.values_list(
                "pk", "version", "current", "name", "pass_score", "basic_score"
            )
        ),
        "inspection_rounds": sorted(
            InspectionRound.objects.values_list("pk", "year", "title", "planned_at")
        ),
        "inspections": sorted(
            Inspection.objects.values_list(
                "pk", "inspector_1_id", "inspector_2_id", "status", "result"
            )
        ),
    }
