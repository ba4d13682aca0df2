"""Scoring an inspection: the draft, the inspectors' scores. Issue 12: "assign inspectors (two
per inspection, the bureau's rule); record scores, notes and photos on a phone-sized form that
keeps a draft if the connection drops"."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from inspections.models import Inspection, InspectionScore
from inspections.services import scoring
from kunqu_jiafu.audit.models import AuditEntry
from tests import factories
from tests.inspections.factories_scoring import items_of, make_inspection, scores_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspection(org_a, reviewer, approver):
    return make_inspection(org_a, reviewer, approver)


def test_an_assigned_inspector_saves_a_draft_that_never_counts_as_a_score(inspection, reviewer):
    sign = items_of(inspection)["sign"]
    draft = {"scores": {str(sign.pk): {"score": "18", "note": "门头有标识"}}, "notes": "上午"}
    scoring.inspection_draft_save(actor=reviewer, inspection=inspection, draft=draft)
    inspection.refresh_from_db()
    assert inspection.draft["scores"] == {str(sign.pk): {"score": "18", "note": "门头有标识"}}
    assert inspection.draft_saved_at is not None
    assert not InspectionScore.objects.filter(inspection=inspection).exists()
    assert (inspection.score, inspection.status) == (None, Inspection.Status.PLANNED)


@pytest.mark.parametrize("who", ["reviewer2", "official", "agency_a"])
def test_only_the_two_assigned_inspectors_write_a_draft(inspection, who, request):
    with pytest.raises(PermissionDenied):
        scoring.inspection_draft_save(
            actor=request.getfixturevalue(who), inspection=inspection, draft={"notes": "x"}
        )
    inspection.refresh_from_db()
    assert inspection.draft == {} and inspection.draft_saved_at is None


@pytest.mark.parametrize(
    "draft",
    [
        [],
        {"surprise": 1},
        {"scores": {"999999": {"score": "1"}}},
        {"scores": {"ITEM": {"score": 5}}},
        {"notes": "很长" * 40000},
    ],
)
def test_a_draft_of_the_wrong_shape_or_size_is_refused(inspection, reviewer, draft):
    sign = items_of(inspection)["sign"]
    if isinstance(draft, dict) and "ITEM" in draft.get("scores", {}):
        draft = {"scores": {str(sign.pk): {"score": 5}}}  # a number, not the typed text
    with pytest.raises(ValidationError) as caught:
        scoring.inspection_draft_save(actor=reviewer, inspection=inspection, draft=draft)
    assert "draft" in caught.value.message_dict
    inspection.refresh_from_db()
    assert inspection.draft == {}


def test_a_computed_item_is_not_part_of_a_draft(inspection, reviewer):
    health = items_of(inspection)["health"]
    with pytest.raises(ValidationError):
        scoring.inspection_draft_save(
            actor=reviewer,
            inspection=inspection,
            draft={"scores": {str(health.pk): {"score": "10", "note": ""}}},
        )


def test_scores_are_saved_and_the_computed_items_filled_by_the_system(inspection, reviewer, org_a):
    factories.make_worker(org_a)
    scoring.inspection_draft_save(actor=reviewer, inspection=inspection, draft={"notes": "草稿"})
    scoring.inspection_score_save(
        actor=reviewer,
        inspection=inspection,
        scores=scores_for(inspection, sign=18, rules="19.5"),
        notes="整体较好",
        inspected_on=timezone.localdate().isoformat(),
    )
    inspection.refresh_from_db()
    items = items_of(inspection)
    saved = {s.item_id: s for s in inspection.scores.all()}
    assert saved[items["sign"].pk].score == Decimal("18")
    assert saved[items["rules"].pk].score == Decimal("19.5")
    assert items["training"].pk not in saved  # not typed: not scored
    assert saved[items["health"].pk].computed_value == Decimal("100.00")
    assert saved[items["health"].pk].score == Decimal("10.00")
    assert (inspection.status, inspection.notes) == (Inspection.Status.IN_PROGRESS, "整体较好")
    assert inspection.draft == {}  # what was saved is newer than the draft
    assert AuditEntry.objects.filter(action="inspections.inspection.scored").count() == 1


@pytest.mark.parametrize(
    "value", ["20.01", "-1", "abc", "1e3", "NaN", "Infinity", "7.123", "1e999999999"]
)
def test_a_score_outside_zero_to_the_items_points_names_the_item_and_writes_nothing(
    inspection, reviewer, value
):
    scores = scores_for(inspection, rules=10, sign=value)
    with pytest.raises(ValidationError) as caught:
        scoring.inspection_score_save(actor=reviewer, inspection=inspection, scores=scores)
    sign = items_of(inspection)["sign"]
    [message] = caught.value.message_dict[f"score_{sign.pk}"]
    assert "统一标识" in message
    assert not InspectionScore.objects.filter(inspection=inspection).exists()


def test_the_inspector_may_not_override_a_computed_item(inspection, reviewer):
    health = items_of(inspection)["health"]
    with pytest.raises(ValidationError) as caught:
        scoring.inspection_score_save(
            actor=reviewer,
            inspection=inspection,
            scores={str(health.pk): {"score": "10", "note": ""}},
        )
    assert "体检有效率" in caught.value.message_dict[f"score_{health.pk}"][0]
    assert not InspectionScore.objects.filter(inspection=inspection).exists()


@pytest.mark.parametrize("day", ["2099-01-01", "2025-12-31", "昨天"])
def test_the_inspection_date_must_be_a_real_day_in_the_round_and_not_in_the_future(
    inspection, reviewer, day
):
    with pytest.raises(ValidationError) as caught:
        scoring.inspection_score_save(
            actor=reviewer,
            inspection=inspection,
            scores=scores_for(inspection, sign=1),
            inspected_on=day,
        )
    assert list(caught.value.message_dict) == ["inspected_on"]
    assert not InspectionScore.objects.filter(inspection=inspection).exists()


@pytest.mark.parametrize("who", ["reviewer2", "official", "agency_a"])
def test_only_an_assigned_inspector_saves_scores(inspection, who, request):
    with pytest.raises(PermissionDenied):
        scoring.inspection_score_save(
            actor=request.getfixturevalue(who),
            inspection=inspection,
            scores=scores_for(inspection, sign=1),
        )
    assert not InspectionScore.objects.filter(inspection=inspection).exists()


def test_scores_no_longer_change_once_concluded(inspection, reviewer):
    Inspection.objects.filter(pk=inspection.pk).update(
        status=Inspection.Status.CONCLUDED,
        score=90,
        result=Inspection.Result.PASSED,
        inspected_on=dt.date(2026, 6, 1),
    )
    inspection.refresh_from_db()
    with pytest.raises(PermissionDenied):
        scoring.inspection_score_save(
            actor=reviewer, inspection=inspection, scores=scores_for(inspection, sign=1)
        )
    with pytest.raises(PermissionDenied):
        scoring.inspection_draft_save(actor=reviewer, inspection=inspection, draft={})
