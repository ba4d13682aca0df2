"""Demo inspections for ``manage.py load_demo``, after the agencies' and subsidies' demos
(apps load in INSTALLED_APPS order; idempotent).

The 2026 annual round with the demo reviewer (赵经办) and approver (孙领导) as the two
inspectors: agency A's inspection scored and concluded through the services (it passes, and
its result becomes A's 2026 standing, which the subsidies demo's award needs), and agency B's
waiting to be scored, so a newcomer signs in as ``reviewer`` and opens /inspect/ on a phone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext

from agencies import selectors as agency_selectors
from kunqu_jiafu.accounts.models import User

from .models import (
    ChecklistItem,
    ChecklistTemplate,
    Inspection,
    InspectionRound,
    ItemGroup,
    ItemSource,
    SubjectKind,
)
from .services import scoring

YEAR = 2026
# Used only when no agency checklist is seeded yet: the plan's 五统一 and the computed items.
ITEMS = [
    ("uniform_sign", "统一标识", ItemGroup.FIVE_UNIFIED, ItemSource.INSPECTOR, 15),
    ("uniform_rules", "统一制度", ItemGroup.FIVE_UNIFIED, ItemSource.INSPECTOR, 15),
    ("uniform_training", "统一培训", ItemGroup.FIVE_UNIFIED, ItemSource.INSPECTOR, 15),
    ("uniform_service", "统一服务规范", ItemGroup.FIVE_UNIFIED, ItemSource.INSPECTOR, 15),
    ("uniform_fees", "统一收费", ItemGroup.FIVE_UNIFIED, ItemSource.INSPECTOR, 10),
    ("health_checks", "从业人员体检有效率", ItemGroup.OPERATION, ItemSource.HEALTH_CHECK_SHARE, 10),
    ("accident_insurance", "意外险参保率", ItemGroup.OPERATION, ItemSource.INSURANCE_SHARE, 10),
    ("labour_contracts", "劳动合同及社保覆盖率", ItemGroup.OPERATION, ItemSource.CONTRACT_SHARE, 5),
    ("filing", "员工制备案", ItemGroup.OPERATION, ItemSource.FILING_STATUS, 5),
]
# Agency A's scores for the inspector items: 64 of 70, a pass with its computed items.
SCORES_A = {"uniform_sign": 14, "uniform_rules": 14, "uniform_training": 13, "uniform_service": 14}


def _template() -> ChecklistTemplate:
    template = ChecklistTemplate.objects.filter(
        subject_kind=SubjectKind.AGENCY, current=True
    ).first()
    if template is not None:
        return template
    version = ChecklistTemplate.objects.filter(subject_kind=SubjectKind.AGENCY).count() + 1
    template = ChecklistTemplate.objects.create(
        subject_kind=SubjectKind.AGENCY,
        version=version,
        name="家庭服务机构年检复核表",
        note="演示数据",
    )
    for order, (code, title, group, source, weight) in enumerate(ITEMS):
        ChecklistItem.objects.create(
            template=template,
            code=code,
            title=title,
            group=group,
            source=source,
            weight=Decimal(weight),
            sort_order=order,
            guidance=f"现场查看{title}落实情况，按要求逐项评分。" if source == "inspector" else "",
        )
    return template


def _inspection(round_, agency, template, first: User, second: User) -> Inspection:
    inspection, _created = Inspection.objects.get_or_create(
        round=round_,
        agency=agency,
        kind=Inspection.Kind.ANNUAL,
        recognition=None,
        defaults={
            "subject_kind": SubjectKind.AGENCY,
            "template": template,
            "inspector_1": first,
            "inspector_2": second,
        },
    )
    return inspection


def load(*, password: str, stdout) -> None:
    reviewer = User.objects.filter(username="reviewer").first()
    approver = User.objects.filter(username="approver").first()
    members = [User.objects.filter(username=name).first() for name in ("agency_a", "agency_b")]
    agencies = [agency_selectors.agency_of_user(user) if user else None for user in members]
    if reviewer is None or approver is None or None in agencies:
        return
    round_, _created = InspectionRound.objects.get_or_create(
        year=YEAR,
        defaults={
            "title": "2026年度家庭服务机构年检复核",
            "starts_on": dt.date(YEAR, 3, 1),
            "due_on": dt.date(YEAR, 12, 31),
            "planned_at": timezone.now(),
            "planned_by": approver,
        },
    )
    template = _template()
    done = _inspection(round_, agencies[0], template, reviewer, approver)
    _inspection(round_, agencies[1], template, reviewer, approver)
    if done.status != Inspection.Status.CONCLUDED:
        items = {item.code: item for item in template.items.all() if not item.computed}
        scores = {
            str(item.pk): {"score": str(SCORES_A.get(code, Decimal(item.weight) - 1)), "note": ""}
            for code, item in items.items()
        }
        scoring.inspection_score_save(
            actor=reviewer,
            inspection=done,
            scores=scores,
            notes="五统一落实较好；个别从业人员体检过期，已当场提醒补检。",
            inspected_on=min(timezone.localdate(), dt.date(YEAR, 10, 15)),
        )
        scoring.inspection_conclude(actor=approver, inspection=done)
        done.refresh_from_db()
    stdout.write(
        gettext(
            "Demo inspections: round %(year)s, %(name)s %(result)s (%(score)s points); %(other)s awaiting scoring at /inspect/ (reviewer)."
        )
        % {
            "year": YEAR,
            "name": agencies[0].name,
            "result": done.get_result_display(),
            "score": done.score,
            "other": agencies[1].name,
        }
    )
