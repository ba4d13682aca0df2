"""Issue 12: "a failed standing blocks awards and takes the agency out of the voucher
programme's choices until it passes, and the agency is told why". Subsidies and vouchers read
the standing from agencies; the standing is written as the scoring service writes it."""

from __future__ import annotations

import pytest

from agencies.services import standing_record_inspection
from inspections.models import Inspection
from inspections.services.consequences import after_conclusion
from inspections.services.rectifications import rectification_answer, reinspection_plan
from subsidies import selectors as subsidy_selectors
from tests.subsidies.core_builders import claim_type
from tests.vouchers import core_builders as vb
from vouchers import selectors as voucher_selectors

from . import factories_rectification as fr

pytestmark = pytest.mark.django_db
MUST_PASS = "须通过本年度年检复核"


def _record(staff, agency, inspection: Inspection):
    """What inspection_conclude does for an agency-subject inspection: the standing."""
    return standing_record_inspection(
        actor=staff,
        agency=agency,
        year=inspection.round.year,
        result=inspection.result,
        reason=f"年检 #{inspection.pk}",
    )


def _eligible(batch) -> set[int]:
    return set(voucher_selectors.eligible_agencies(batch).values_list("pk", flat=True))


def test_a_failed_standing_blocks_awards_and_the_voucher_list_and_a_passed_reinspection_restores_both(
    agency_a, org_a, reviewer
):
    fr.recognition(org_a)
    batch = vb.batch(count=5)
    vb.join(batch, org_a, reviewer)
    station_award = claim_type("station_award")

    failed = fr.concluded(org_a)
    _record(reviewer, org_a, failed)
    after_conclusion(failed)
    assert MUST_PASS in subsidy_selectors.eligibility_for(org_a, station_award)
    assert org_a.pk not in _eligible(batch)
    allowed, why = voucher_selectors.agency_eligibility(batch, org_a)
    assert not allowed and "2026" in why  # the agency is told why

    rectification = failed.rectification
    rectification_answer(actor=agency_a, rectification=rectification, answer="已整改")
    reinspection = reinspection_plan(actor=reviewer, rectification=rectification)
    fr.conclude_reinspection(reinspection, Inspection.Result.PASSED)
    _record(reviewer, org_a, reinspection)
    after_conclusion(reinspection)
    assert subsidy_selectors.eligibility_for(org_a, station_award) == []
    assert org_a.pk in _eligible(batch)
    assert voucher_selectors.agency_eligibility(batch, org_a) == (True, "")


def test_a_failed_reinspection_keeps_both_blocked_and_the_station_award_loses_its_recognition(
    agency_a, org_a, reviewer
):
    fr.recognition(org_a)
    batch = vb.batch(count=5)
    vb.join(batch, org_a, reviewer)
    failed = fr.concluded(org_a)
    _record(reviewer, org_a, failed)
    after_conclusion(failed)
    rectification_answer(actor=agency_a, rectification=failed.rectification, answer="已整改")
    reinspection = reinspection_plan(actor=reviewer, rectification=failed.rectification)
    fr.conclude_reinspection(reinspection, Inspection.Result.FAILED, earned=("0",) * 4)
    _record(reviewer, org_a, reinspection)
    after_conclusion(reinspection)
    problems = subsidy_selectors.eligibility_for(org_a, claim_type("station_award"))
    assert MUST_PASS in problems
    assert any("社区家庭服务站" in p for p in problems)  # the recognition is gone too
    assert org_a.pk not in _eligible(batch)
