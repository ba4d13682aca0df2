"""Builders of inspections test data, shared by the tests of every part of the area."""

from __future__ import annotations

import datetime as dt

from agencies import services as agency_services
from agencies.models import Recognition
from inspections.models import ChecklistTemplate, Inspection, InspectionRound
from inspections.services import rounds
from kunqu_jiafu.accounts.roles import APPROVER, REVIEWER
from tests import factories


def bureau_user(username: str = "inspector", role: str = REVIEWER, **extra):
    return factories.make_user(username, role, **extra)


def template(subject: str = "agency") -> ChecklistTemplate:
    """The subject's current template (seeded by 0010_default_checklists)."""
    return ChecklistTemplate.objects.get(subject_kind=subject, current=True)


def make_round(actor=None, year: int = 2026, **extra) -> InspectionRound:
    actor = actor or bureau_user(f"round_maker{year}", APPROVER)
    return rounds.round_create(
        actor=actor,
        year=year,
        title=extra.pop("title", f"{year} 年度年检复核"),
        starts_on=extra.pop("starts_on", dt.date(year, 3, 1)),
        due_on=extra.pop("due_on", dt.date(year, 10, 31)),
    )


def grant(agency, kind: str, year: int = 2026, actor=None) -> Recognition:
    actor = actor or bureau_user(f"granter{agency.pk}{kind}")
    return agency_services.recognition_grant(
        actor=actor,
        agency=agency,
        kind=kind,
        year=year,
        granted_on=dt.date(year, 1, 15),
        valid_until=dt.date(year + 2, 12, 31),
    )


def make_inspection(agency=None, round=None, **extra) -> Inspection:
    """An annual inspection of the agency itself (stored directly, as planning would)."""
    agency = agency or factories.make_agency()
    round = round or InspectionRound.objects.filter(year=2026).first() or make_round()
    return Inspection.objects.create(
        round=round,
        agency=agency,
        subject_kind="agency",
        template=extra.pop("template", None) or template("agency"),
        **extra,
    )


def conclude(inspection: Inspection, result: str = "passed", score: str = "90") -> Inspection:
    """Mark an inspection concluded directly (scoring is another service's work), with two
    inspectors if it had none."""
    if inspection.inspector_1_id is None:
        Inspection.objects.filter(pk=inspection.pk).update(
            inspector_1=bureau_user(f"insp{inspection.pk}a"),
            inspector_2=bureau_user(f"insp{inspection.pk}b", APPROVER),
        )
    Inspection.objects.filter(pk=inspection.pk).update(
        status=Inspection.Status.CONCLUDED,
        result=result,
        score=score,
        inspected_on=dt.date(2026, 6, 1),
    )
    inspection.refresh_from_db()
    return inspection
