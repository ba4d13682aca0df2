"""The annual round end to end through the services alone (no state set by hand): the plan's
"巩固完善对家庭服务机构、社区家庭服务站和创建品牌的年检复核制度…按照'五统一'等要求规范运作、绩效考评、
优胜劣汰". Planned, assigned to two inspectors, scored and concluded 不合格; the rectification
opens, the agency answers, the re-inspection is planned and scored; passing it restores the
standing and the agency's place in the voucher programme and the award, failing it revokes the
recognitions involved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from agencies.models import AgencyStanding, Recognition
from inspections.models import Inspection, Rectification
from inspections.services.assignment import inspectors_assign
from inspections.services.rectifications import rectification_answer, reinspection_plan
from inspections.services.rounds import round_create, round_plan
from inspections.services.scoring import inspection_conclude, inspection_score_save
from subsidies import selectors as subsidy_selectors
from tests import factories
from tests.subsidies.core_builders import claim_type
from tests.vouchers import core_builders as vb
from vouchers import selectors as voucher_selectors

from . import factories_rectification as fr

pytestmark = pytest.mark.django_db
MUST_PASS = "须通过本年度年检复核"


def _planned(org_a, reviewer, approver) -> tuple[Inspection, Inspection]:
    """This year's round planned and assigned: the agency's own inspection and its station's."""
    today = dt.date.today()
    fr.recognition(org_a, year=today.year)
    round_ = round_create(
        actor=reviewer,
        year=today.year,
        title=f"{today.year} 年度年检复核",
        starts_on=dt.date(today.year, 1, 1),
        due_on=dt.date(today.year, 12, 31),
    )
    round_plan(actor=approver, round=round_)
    planned = list(Inspection.objects.filter(round=round_, agency=org_a).order_by("pk"))
    assert {i.subject_kind for i in planned} == {"agency", "station"}
    inspectors_assign(
        actor=reviewer, inspections=planned, inspector_1=reviewer, inspector_2=approver
    )
    agency = next(i for i in planned if i.subject_kind == "agency")
    station = next(i for i in planned if i.subject_kind == "station")
    return agency, station


def _score(inspection: Inspection, by, share: Decimal) -> Inspection:
    """Every item the inspectors score gets ``share`` of its points; then concluded by the
    other inspector."""
    inspection.refresh_from_db()
    items = [i for i in inspection.template.items.all() if not i.computed]
    scores = {
        str(i.pk): {"score": str(i.weight * share), "note": "" if share else "未达标"}
        for i in items
    }
    inspection_score_save(
        actor=by,
        inspection=inspection,
        scores=scores,
        notes="现场检查",
        inspected_on=dt.date.today(),
    )
    return inspection_conclude(actor=by, inspection=inspection)


def _voucher_choice(org_a, reviewer):
    batch = vb.batch(count=5)
    vb.join(batch, org_a, reviewer)
    return lambda: voucher_selectors.agency_eligibility(batch, org_a)


def test_fail_rectify_reinspect_pass_restores_the_standing_the_award_and_the_voucher_choice(
    org_a, agency_a, reviewer, approver
):
    agency_inspection, _station = _planned(org_a, reviewer, approver)
    factories.make_worker(org_a)  # health check, insurance, labour contract: computed in full
    choice = _voucher_choice(org_a, reviewer)
    station_award = claim_type("station_award")

    failed = _score(agency_inspection, approver, Decimal("0"))
    assert failed.result == Inspection.Result.FAILED
    standing = AgencyStanding.objects.get(agency=org_a, year=dt.date.today().year)
    assert standing.inspection == AgencyStanding.Inspection.FAILED
    rectification = Rectification.objects.get(inspection=failed)
    assert rectification.status == Rectification.Status.OPEN
    assert "统一标识" in rectification.requirements  # what to fix names the items that lost points
    assert MUST_PASS in subsidy_selectors.eligibility_for(org_a, station_award)
    allowed, why = choice()
    assert not allowed and why

    rectification_answer(actor=agency_a, rectification=rectification, answer="标识已统一上墙")
    reinspection = reinspection_plan(actor=reviewer, rectification=rectification)
    assert (reinspection.kind, reinspection.parent_id) == (Inspection.Kind.REINSPECTION, failed.pk)
    assert {reinspection.inspector_1_id, reinspection.inspector_2_id} == {reviewer.pk, approver.pk}

    passed = _score(reinspection, reviewer, Decimal("1"))
    assert passed.result == Inspection.Result.PASSED  # 合格: the award needs it
    rectification.refresh_from_db()
    assert rectification.status == Rectification.Status.PASSED
    standing.refresh_from_db()
    assert standing.inspection == passed.result
    assert subsidy_selectors.eligibility_for(org_a, station_award) == []
    assert choice() == (True, "")
    assert Recognition.objects.get(agency=org_a).status == Recognition.Status.VALID


def test_fail_then_fail_again_revokes_the_recognition_and_keeps_the_agency_out(
    org_a, agency_a, reviewer, approver
):
    _agency_inspection, station_inspection = _planned(org_a, reviewer, approver)
    failed = _score(station_inspection, reviewer, Decimal("0"))
    assert failed.result == Inspection.Result.FAILED
    rectification = Rectification.objects.get(inspection=failed)
    rectification_answer(actor=agency_a, rectification=rectification, answer="已整改")
    reinspection = reinspection_plan(actor=approver, rectification=rectification)

    _score(reinspection, approver, Decimal("0"))
    rectification.refresh_from_db()
    assert rectification.status == Rectification.Status.FAILED
    station = Recognition.objects.get(agency=org_a)
    assert station.status == Recognition.Status.REVOKED
    assert f"#{reinspection.pk}" in station.status_reason
    assert "优胜劣汰" in station.status_reason
