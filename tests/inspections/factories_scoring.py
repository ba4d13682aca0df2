"""Checklists, rounds and inspections made directly with the ORM for the scoring tests (the
round planning and assignment services belong to another part of issue 12)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from inspections.models import (
    ChecklistItem,
    ChecklistTemplate,
    Inspection,
    InspectionRound,
    ItemGroup,
    ItemSource,
    SubjectKind,
)

# code, title, source, points: 70 scored by the inspectors, 30 computed from records.
ITEMS = [
    ("sign", "统一标识", ItemSource.INSPECTOR, 20),
    ("rules", "统一制度", ItemSource.INSPECTOR, 20),
    ("training", "统一培训", ItemSource.INSPECTOR, 15),
    ("fees", "统一收费", ItemSource.INSPECTOR, 15),
    ("health", "体检有效率", ItemSource.HEALTH_CHECK_SHARE, 10),
    ("insurance", "意外险参保率", ItemSource.INSURANCE_SHARE, 10),
    ("contracts", "劳动合同及社保", ItemSource.CONTRACT_SHARE, 5),
    ("filing", "员工制备案", ItemSource.FILING_STATUS, 5),
]


def make_template(subject=SubjectKind.AGENCY, items=ITEMS, **extra) -> ChecklistTemplate:
    version = ChecklistTemplate.objects.filter(subject_kind=subject).count() + 1
    ChecklistTemplate.objects.filter(subject_kind=subject).update(current=False)
    template = ChecklistTemplate.objects.create(
        subject_kind=subject, version=version, name="年检复核表", **extra
    )
    for order, (code, title, source, weight) in enumerate(items):
        ChecklistItem.objects.create(
            template=template,
            code=code,
            title=title,
            group=ItemGroup.FIVE_UNIFIED if source == "inspector" else ItemGroup.OPERATION,
            source=source,
            weight=Decimal(weight),
            sort_order=order,
            guidance=f"检查{title}",
        )
    return template


def make_round(year: int = 2026) -> InspectionRound:
    return InspectionRound.objects.get_or_create(
        year=year,
        defaults={
            "title": f"{year}年度年检复核",
            "starts_on": dt.date(year, 1, 1),
            "due_on": dt.date(year, 12, 31),
        },
    )[0]


def make_inspection(agency, first=None, second=None, *, template=None, round_=None, **extra):
    template = template or make_template()
    return Inspection.objects.create(
        round=round_ or make_round(),
        agency=agency,
        subject_kind=extra.pop("subject_kind", SubjectKind.AGENCY),
        template=template,
        inspector_1=first,
        inspector_2=second,
        **extra,
    )


def items_of(inspection) -> dict[str, ChecklistItem]:
    return {item.code: item for item in inspection.template.items.all()}


def scores_for(inspection, **points) -> dict:
    """{item id: {"score", "note"}} for the inspector items, by code."""
    items = items_of(inspection)
    return {
        str(items[code].pk): {"score": str(value), "note": ""} for code, value in points.items()
    }
