"""An inspection put into its concluded state directly with the ORM (the scoring service is
another slice of issue 12), and a recognition to lose."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from agencies.models import Recognition
from agencies.services import recognition_grant
from inspections.models import (
    ChecklistItem,
    ChecklistTemplate,
    Inspection,
    InspectionRound,
    InspectionScore,
    ItemGroup,
    SubjectKind,
)
from kunqu_jiafu.accounts.roles import REVIEWER
from tests import factories

YEAR = 2026


def inspectors():
    from kunqu_jiafu.accounts.models import User

    first = User.objects.filter(username="inspector1").first()
    if first is None:
        first = factories.make_user("inspector1", REVIEWER, full_name="吴检查")
        factories.make_user("inspector2", REVIEWER, full_name="郑检查")
    return first, User.objects.get(username="inspector2")


def template(subject_kind: str = SubjectKind.AGENCY) -> ChecklistTemplate:
    # A small four-item template of its own beside the seeded defaults (not the current one).
    found = ChecklistTemplate.objects.filter(subject_kind=subject_kind, version=900).first()
    if found:
        return found
    made = ChecklistTemplate.objects.create(
        subject_kind=subject_kind, version=900, name=f"{subject_kind} 年检表", current=False
    )
    for n, (title, weight) in enumerate(
        [("统一标识", "20"), ("统一制度", "20"), ("统一培训", "20"), ("统一服务规范", "40")]
    ):
        ChecklistItem.objects.create(
            template=made,
            group=ItemGroup.FIVE_UNIFIED,
            code=f"item-{n}",
            title=title,
            weight=Decimal(weight),
            sort_order=n,
        )
    return made


def inspection_round(year: int = YEAR) -> InspectionRound:
    return InspectionRound.objects.get_or_create(
        year=year,
        defaults={
            "title": f"{year}年度年检复核",
            "starts_on": dt.date(year, 3, 1),
            "due_on": dt.date(year, 10, 31),
        },
    )[0]


def recognition(agency, kind: str = Recognition.Kind.STATION, year: int = YEAR) -> Recognition:
    staff = inspectors()[0]
    return recognition_grant(
        actor=staff,
        agency=agency,
        kind=kind,
        year=year,
        granted_on=dt.date(year, 1, 10),
        valid_until=dt.date(year + 2, 1, 9),
    )


def concluded(
    agency,
    *,
    result: str = Inspection.Result.FAILED,
    recognition: Recognition | None = None,
    parent: Inspection | None = None,
    earned=("20", "5", "20", "10"),
    notes: str = "服务规范未上墙",
    concluded_at=None,
    year: int = YEAR,
) -> Inspection:
    """An inspection concluded with ``result``; item scores ``earned`` (of 20, 20, 20, 40)."""
    first, second = inspectors()
    subject = SubjectKind.AGENCY
    if recognition is not None:
        subject = {"centre": "centre", "station": "station", "market": "market"}.get(
            recognition.kind_id, "brand"
        )
    kind = Inspection.Kind.REINSPECTION if parent else Inspection.Kind.ANNUAL
    used = template(subject)
    inspection = Inspection.objects.create(
        round=inspection_round(year),
        kind=kind,
        parent=parent,
        subject_kind=subject,
        agency=agency,
        recognition=recognition,
        template=used,
        inspector_1=first,
        inspector_2=second,
        status=Inspection.Status.CONCLUDED,
        inspected_on=dt.date(YEAR, 5, 10),
        score=sum(Decimal(e) for e in earned),
        result=result,
        notes=notes,
        concluded_at=concluded_at or timezone.now(),
        concluded_by=first,
    )
    for item, value in zip(used.items.order_by("sort_order"), earned, strict=True):
        InspectionScore.objects.create(
            inspection=inspection,
            item=item,
            score=Decimal(value),
            note="制度未公示" if Decimal(value) < item.weight else "",
        )
    return inspection


def conclude_reinspection(reinspection: Inspection, result: str, earned=("20",) * 3 + ("40",)):
    """Score and conclude a planned re-inspection directly, as the scoring service would."""
    reinspection.status = Inspection.Status.CONCLUDED
    reinspection.inspected_on = dt.date(YEAR, 7, 1)
    reinspection.score = sum(Decimal(e) for e in earned)
    reinspection.result = result
    reinspection.concluded_at = timezone.now()
    reinspection.concluded_by = reinspection.inspector_1
    reinspection.save()
    return reinspection
