"""Row builders of the inspections admins for the query-count walk (tests/admin_builders.py
imports them into BUILDERS): checklist templates, rounds and inspections."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.db.models import Max

from inspections.models import (
    ChecklistItem,
    ChecklistTemplate,
    Inspection,
    InspectionRound,
    InspectionScore,
)
from kunqu_jiafu.accounts.models import User

_serial = itertools.count(1)


def _template(related: int) -> ChecklistTemplate:
    """A version of the agency template no inspection uses (not current), with items."""
    latest = ChecklistTemplate.objects.aggregate(v=Max("version"))["v"] or 0
    template = ChecklistTemplate.objects.create(
        subject_kind="agency", version=latest + 1, name="测试检查表", current=False
    )
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            template=template,
            group="five_unified" if k % 2 else "operation",
            code=f"item-{k}",
            title=f"测试项{k}",
            weight=Decimal("1"),
            source="inspector" if k % 3 else "health_check_share",
            sort_order=k,
        )
        for k in range(related)
    )
    return template


def templates(world, rows, related):
    latest = ChecklistTemplate.objects.aggregate(v=Max("version"))["v"] or 0
    ChecklistTemplate.objects.bulk_create(
        ChecklistTemplate(subject_kind="station", version=latest + k, name="测试", current=False)
        for k in range(1, rows)
    )
    return _template(related)


def _round() -> InspectionRound:
    used = set(InspectionRound.objects.values_list("year", flat=True))
    year = next(y for y in range(3000, 9999) if y not in used)
    return InspectionRound.objects.create(
        year=year,
        title=f"{year} 年度年检复核",
        starts_on=dt.date(2026, 3, 1),
        due_on=dt.date(2026, 10, 31),
    )


def _inspections(world, round, template, count: int) -> list[Inspection]:
    from tests.admin_builders import agencies

    second = User.objects.create_user(f"inspector{next(_serial)}", password="x")
    return Inspection.objects.bulk_create(
        Inspection(
            round=round,
            agency=agency,
            subject_kind="agency",
            template=template,
            inspector_1=world.user if k % 2 else None,
            inspector_2=second if k % 2 else None,
        )
        for k, agency in enumerate(agencies(world, count))
    )


def rounds(world, rows, related):
    template = ChecklistTemplate.objects.get(subject_kind="agency", current=True)
    made = [_round() for _ in range(rows)]
    _inspections(world, made[0], template, related)
    return made[0]


def inspections(world, rows, related):
    template = _template(related)
    made = _inspections(world, _round(), template, rows)
    InspectionScore.objects.bulk_create(
        InspectionScore(
            inspection=made[0],
            item=item,
            score=Decimal("0.50"),
            computed_value=Decimal("80") if item.computed else None,
            computed_detail="8/10" if item.computed else "",
        )
        for item in template.items.all()
    )
    return made[0]
