"""Concluding an inspection: the computed items from the records as of that moment, the total,
the result by the template's thresholds (issue 12: "the result 合格 / 基本合格 / 不合格 by
thresholds that are data"), two inspectors required, and the standing written by inspections
alone ("The year's inspection result and rating are recorded on the agency through an agencies
service; the admin no longer lets anyone type them")."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from agencies.models import AgencyStanding, Recognition
from inspections.models import Inspection, InspectionScore, ItemSource, SubjectKind
from inspections.services import scoring
from kunqu_jiafu.audit.models import AuditEntry
from tests import factories
from tests.inspections.factories_scoring import (
    items_of,
    make_inspection,
    make_template,
    scores_for,
)

pytestmark = pytest.mark.django_db

TWO_ITEMS = [
    ("sign", "统一标识", ItemSource.INSPECTOR, 50),
    ("rules", "统一制度", ItemSource.INSPECTOR, 50),
]


def _scored(inspection, actor, **points):
    scoring.inspection_score_save(
        actor=actor,
        inspection=inspection,
        scores=scores_for(inspection, **points),
        inspected_on=timezone.localdate(),
    )
    return inspection


@pytest.mark.parametrize(
    "rules,result",
    [
        ("35", Inspection.Result.PASSED),  # exactly 85
        ("34.99", Inspection.Result.BASICALLY_PASSED),
        ("34.5", Inspection.Result.BASICALLY_PASSED),
        ("20", Inspection.Result.BASICALLY_PASSED),  # exactly 70
        ("19.99", Inspection.Result.FAILED),
        ("19.5", Inspection.Result.FAILED),
    ],
)
def test_the_result_follows_the_templates_thresholds_at_their_edges(
    org_a, reviewer, approver, rules, result
):
    template = make_template(items=TWO_ITEMS)
    inspection = make_inspection(org_a, reviewer, approver, template=template)
    _scored(inspection, reviewer, sign=50, rules=rules)
    scoring.inspection_conclude(actor=approver, inspection=inspection)
    inspection.refresh_from_db()
    assert inspection.score == Decimal("50") + Decimal(rules)
    assert (inspection.result, inspection.status) == (result, Inspection.Status.CONCLUDED)
    assert inspection.concluded_by == approver and inspection.concluded_at is not None


def test_thresholds_are_data_of_the_template(org_a, reviewer, approver):
    template = make_template(items=TWO_ITEMS, pass_score=Decimal("90"), basic_score=Decimal("60"))
    inspection = make_inspection(org_a, reviewer, approver, template=template)
    _scored(inspection, reviewer, sign=50, rules=39)
    scoring.inspection_conclude(actor=reviewer, inspection=inspection)
    inspection.refresh_from_db()
    assert inspection.result == Inspection.Result.BASICALLY_PASSED  # 89 < 90


def test_two_inspectors_are_required_to_conclude(org_a, reviewer):
    """Issue 12: "assign inspectors (two per inspection, the bureau's rule)"."""
    inspection = make_inspection(org_a, reviewer, None, template=make_template(items=TWO_ITEMS))
    _scored(inspection, reviewer, sign=50, rules=50)
    with pytest.raises(ValidationError) as caught:
        scoring.inspection_conclude(actor=reviewer, inspection=inspection)
    assert "inspectors" in caught.value.message_dict
    inspection.refresh_from_db()
    assert inspection.status != Inspection.Status.CONCLUDED and inspection.score is None


def test_every_inspector_item_must_be_scored_and_the_message_lists_the_missing(
    org_a, reviewer, approver
):
    inspection = make_inspection(org_a, reviewer, approver)
    _scored(inspection, reviewer, sign=18, rules=18)
    with pytest.raises(ValidationError) as caught:
        scoring.inspection_conclude(actor=reviewer, inspection=inspection)
    [message] = caught.value.message_dict["scores"]
    assert "统一培训" in message and "统一收费" in message and "统一标识" not in message
    assert not AgencyStanding.objects.filter(agency=org_a).exists()


def test_computed_items_are_stored_from_the_records_as_of_the_conclusion(org_a, reviewer, approver):
    factories.make_worker(org_a)
    inspection = make_inspection(org_a, reviewer, approver)
    _scored(inspection, reviewer, sign=20, rules=20, training=15, fees=15)
    # After the scores were saved a second worker arrives without a valid health check.
    factories.make_worker(org_a, health_check_on=timezone.localdate() - dt.timedelta(days=900))
    scoring.inspection_conclude(actor=approver, inspection=inspection)
    items = items_of(inspection)
    health = InspectionScore.objects.get(inspection=inspection, item=items["health"])
    assert (health.computed_value, health.score) == (Decimal("50.00"), Decimal("5.00"))
    assert health.computed_detail == "1 / 2 人"
    inspection.refresh_from_db()
    # 70 typed + health 5 + insurance 10 + contracts 5 + no filing 0.
    assert inspection.score == Decimal("90.00")
    assert inspection.result == Inspection.Result.PASSED


def test_concluding_the_agencys_inspection_writes_its_standing_and_is_audited(
    org_a, reviewer, approver
):
    inspection = make_inspection(org_a, reviewer, approver, template=make_template(items=TWO_ITEMS))
    _scored(inspection, reviewer, sign=30, rules=30)
    with mock.patch("inspections.services.consequences.after_conclusion") as after:
        scoring.inspection_conclude(actor=approver, inspection=inspection)
    standing = AgencyStanding.objects.get(agency=org_a, year=2026)
    assert standing.inspection == AgencyStanding.Inspection.FAILED
    assert f"#{inspection.pk}" in standing.note
    after.assert_called_once()
    assert after.call_args.args[0].pk == inspection.pk
    entry = AuditEntry.objects.get(action="inspections.inspection.concluded")
    assert entry.after == {"score": "60.00", "result": "failed"}
    assert AuditEntry.objects.filter(action="agencies.standing.recorded").count() == 1


def test_a_recognitions_inspection_leaves_the_agencys_standing_alone(org_a, reviewer, approver):
    today = timezone.localdate()
    station = Recognition.objects.create(
        agency=org_a,
        kind_id=Recognition.Kind.STATION,
        year=2026,
        granted_on=dt.date(2026, 1, 10),
        valid_until=today + dt.timedelta(days=300),
    )
    template = make_template(subject=SubjectKind.STATION, items=TWO_ITEMS)
    inspection = make_inspection(
        org_a,
        reviewer,
        approver,
        template=template,
        subject_kind=SubjectKind.STATION,
        recognition=station,
    )
    _scored(inspection, reviewer, sign=50, rules=50)
    scoring.inspection_conclude(actor=reviewer, inspection=inspection)
    inspection.refresh_from_db()
    assert inspection.result == Inspection.Result.PASSED
    assert not AgencyStanding.objects.filter(agency=org_a).exists()


def test_a_concluded_inspection_is_not_concluded_again(org_a, reviewer, approver):
    inspection = make_inspection(org_a, reviewer, approver, template=make_template(items=TWO_ITEMS))
    _scored(inspection, reviewer, sign=50, rules=50)
    scoring.inspection_conclude(actor=reviewer, inspection=inspection)
    with pytest.raises(PermissionDenied):
        scoring.inspection_conclude(actor=approver, inspection=inspection)
    assert AuditEntry.objects.filter(action="inspections.inspection.concluded").count() == 1


@pytest.mark.parametrize("who", ["reviewer2", "official", "agency_a"])
def test_only_an_assigned_inspector_concludes(org_a, reviewer, approver, who, request):
    inspection = make_inspection(org_a, reviewer, approver, template=make_template(items=TWO_ITEMS))
    _scored(inspection, reviewer, sign=50, rules=50)
    with pytest.raises(PermissionDenied):
        scoring.inspection_conclude(actor=request.getfixturevalue(who), inspection=inspection)
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.IN_PROGRESS


def test_the_standing_admin_is_read_only_and_says_where_results_come_from(
    client_for, reviewer, org_a
):
    standing = factories.record_standing(
        actor=reviewer, agency=org_a, year=2026, inspection="passed", rating="good"
    )
    client = client_for(reviewer)
    listing = client.get("/admin/agencies/agencystanding/")
    assert listing.status_code == 200
    assert 'data-testid="standing-note"' in listing.content.decode()
    assert client.get("/admin/agencies/agencystanding/add/").status_code == 403
    change_url = f"/admin/agencies/agencystanding/{standing.pk}/change/"
    page = client.get(change_url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    refused = client.post(change_url, {"inspection": "failed", "rating": "none", "note": "改"})
    assert refused.status_code == 403
    standing.refresh_from_db()
    assert (standing.inspection, standing.rating) == ("passed", "good")
