"""Rectification, re-inspection and revocation (issue 12): "不合格 sets a rectification
deadline; the agency sees what to fix in its portal, answers with evidence; a re-inspection
follows. Failing the re-inspection, or missing the deadline, revokes the recognitions involved
(优胜劣汰) through the agencies service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agencies.models import Recognition
from inspections.models import Inspection, Rectification
from inspections.services.consequences import after_conclusion
from inspections.services.rectifications import (
    rectification_answer,
    rectifications_lapse,
    reinspection_plan,
)
from inspections.tasks import lapse_rectifications
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.documents.models import Document
from kunqu_jiafu.notifications.models import Notification
from tests import factories

from . import factories_rectification as fr

pytestmark = pytest.mark.django_db
FAILED, PASSED, BASIC = (
    Inspection.Result.FAILED,
    Inspection.Result.PASSED,
    Inspection.Result.BASICALLY_PASSED,
)


def _pdf(name="整改照片.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, factories.make_pdf(), content_type="application/pdf")


def _failed_and_opened(agency, **kwargs) -> Rectification:
    inspection = fr.concluded(agency, **kwargs)
    after_conclusion(inspection)
    return Rectification.objects.get(inspection=inspection)


def _answered(rectification, user) -> Rectification:
    return rectification_answer(
        actor=user, rectification=rectification, answer="已公示制度", files=[_pdf()]
    )


def test_a_failed_annual_inspection_opens_a_rectification_with_deadline_and_what_to_fix(
    agency_a, org_a, settings
):
    settings.INSPECTION_RECTIFICATION_DAYS = 45
    concluded_at = timezone.make_aware(dt.datetime(2026, 5, 10, 10, 0))
    rectification = _failed_and_opened(org_a, concluded_at=concluded_at)
    assert rectification.status == Rectification.Status.OPEN
    assert rectification.deadline == dt.date(2026, 6, 24)
    # The items that lost points, with points earned / possible and the note; not the full ones.
    assert "统一制度" in rectification.requirements and "5" in rectification.requirements
    assert (
        "统一服务规范" in rectification.requirements and "制度未公示" in rectification.requirements
    )
    assert "统一标识" not in rectification.requirements
    assert "服务规范未上墙" in rectification.requirements
    note = Notification.objects.get(recipient=agency_a)
    assert "2026-06-24" in note.title and note.url.endswith(f"/{rectification.pk}/")
    assert AuditEntry.objects.filter(action="inspections.rectification.opened").count() == 1


def test_opening_twice_opens_one_rectification_and_passing_opens_none(org_a, org_b):
    inspection = fr.concluded(org_a)
    after_conclusion(inspection)
    after_conclusion(inspection)
    assert Rectification.objects.filter(inspection=inspection).count() == 1
    after_conclusion(fr.concluded(org_b, result=PASSED))
    assert Rectification.objects.count() == 1


def test_fail_rectify_reinspect_pass_closes_the_rectification_and_keeps_recognitions(
    agency_a, org_a, reviewer
):
    """The path fail → rectify → re-inspect → pass."""
    station = fr.recognition(org_a)
    rectification = _failed_and_opened(org_a)
    _answered(rectification, agency_a)
    reinspection = reinspection_plan(actor=reviewer, rectification=rectification)
    assert reinspection.kind == Inspection.Kind.REINSPECTION
    assert reinspection.parent_id == rectification.inspection_id
    failed = rectification.inspection
    assert (reinspection.round_id, reinspection.template_id, reinspection.agency_id) == (
        failed.round_id,
        failed.template_id,
        failed.agency_id,
    )
    assert (reinspection.inspector_1_id, reinspection.inspector_2_id) == (
        failed.inspector_1_id,
        failed.inspector_2_id,
    )
    after_conclusion(fr.conclude_reinspection(reinspection, BASIC))
    rectification.refresh_from_db()
    station.refresh_from_db()
    assert rectification.status == Rectification.Status.PASSED
    assert rectification.closed_at is not None
    assert station.status == Recognition.Status.VALID


def test_fail_then_fail_revokes_every_valid_recognition_of_the_inspected_agency(
    agency_a, org_a, org_b, reviewer
):
    """The path fail → fail → recognitions revoked: the agency was the subject, so every
    recognition it holds goes (优胜劣汰); another agency's stays."""
    station = fr.recognition(org_a)
    brand = fr.recognition(org_a, Recognition.Kind.CITY_BRAND)
    others = fr.recognition(org_b)
    rectification = _failed_and_opened(org_a)
    _answered(rectification, agency_a)
    reinspection = reinspection_plan(actor=reviewer, rectification=rectification)
    fr.conclude_reinspection(reinspection, FAILED, earned=("10", "10", "10", "10"))
    after_conclusion(reinspection)
    after_conclusion(reinspection)  # twice: nothing more happens
    rectification.refresh_from_db()
    assert rectification.status == Rectification.Status.FAILED
    statuses = {r.pk: r.status for r in Recognition.objects.all()}
    assert statuses[station.pk] == statuses[brand.pk] == Recognition.Status.REVOKED
    assert statuses[others.pk] == Recognition.Status.VALID
    station.refresh_from_db()
    assert f"#{reinspection.pk}" in station.status_reason
    assert AuditEntry.objects.filter(action="agencies.recognition.revoked").count() == 2
    assert AuditEntry.objects.filter(action="inspections.rectification.closed").count() == 1


def test_a_failed_reinspection_of_a_recognition_revokes_that_recognition_only(
    agency_a, org_a, reviewer
):
    station = fr.recognition(org_a)
    brand = fr.recognition(org_a, Recognition.Kind.CITY_BRAND)
    rectification = _failed_and_opened(org_a, recognition=station)
    _answered(rectification, agency_a)
    reinspection = reinspection_plan(actor=reviewer, rectification=rectification)
    assert reinspection.recognition_id == station.pk
    after_conclusion(fr.conclude_reinspection(reinspection, FAILED, earned=("0",) * 4))
    station.refresh_from_db()
    brand.refresh_from_db()
    assert (station.status, brand.status) == (Recognition.Status.REVOKED, Recognition.Status.VALID)


def test_a_missed_deadline_lapses_and_revokes_and_running_twice_changes_nothing(
    agency_a, org_a, org_b
):
    station = fr.recognition(org_a)
    late = _failed_and_opened(org_a)
    on_time = _failed_and_opened(org_b)
    Rectification.objects.filter(pk=late.pk).update(
        deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    Rectification.objects.filter(pk=on_time.pk).update(deadline=timezone.localdate())
    assert lapse_rectifications.delay().get() == {"lapsed": 1}
    assert rectifications_lapse() == {"lapsed": 0}
    late.refresh_from_db()
    on_time.refresh_from_db()
    station.refresh_from_db()
    assert late.status == Rectification.Status.LAPSED and late.closed_at is not None
    assert on_time.status == Rectification.Status.OPEN
    assert station.status == Recognition.Status.REVOKED
    assert late.deadline.isoformat() in station.status_reason
    entry = AuditEntry.objects.get(action="inspections.rectification.lapsed")
    assert entry.actor is None and entry.after["revoked"] == [station.pk]
    assert Notification.objects.filter(recipient=agency_a, title__contains="撤销").exists()


def test_the_lapse_task_is_scheduled_nightly(settings):
    tasks = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "inspections.tasks.lapse_rectifications" in tasks


def test_the_agency_answers_with_evidence_owned_by_the_rectification(agency_a, org_a, reviewer):
    rectification = _failed_and_opened(org_a)
    rectification = rectification_answer(
        actor=agency_a,
        rectification=rectification,
        answer="  已公示制度并培训  ",
        files=[_pdf(), _pdf("b.pdf")],
    )
    assert rectification.status == Rectification.Status.ANSWERED
    assert rectification.answer == "已公示制度并培训"
    assert rectification.answered_by == agency_a
    files = Document.objects.filter(owner_id=str(rectification.pk))
    assert sorted(f.original_name for f in files) == ["b.pdf", "整改照片.pdf"]
    from kunqu_jiafu.documents.services import can_view_document

    assert can_view_document(agency_a, files[0])[0] and can_view_document(reviewer, files[0])[0]
    agency_b = factories.make_agency_user("agency_b", factories.make_agency("乙"))
    assert not can_view_document(agency_b, files[0])[0]


def test_another_agency_and_staff_cannot_answer(agency_a, org_a, reviewer):
    rectification = _failed_and_opened(org_a)
    stranger = factories.make_agency_user("agency_b", factories.make_agency("乙"))
    for user in (stranger, reviewer):
        with pytest.raises(PermissionDenied):
            rectification_answer(actor=user, rectification=rectification, answer="x")
    rectification.refresh_from_db()
    assert rectification.status == Rectification.Status.OPEN


def test_no_answer_after_the_deadline_or_twice(agency_a, org_a):
    rectification = _failed_and_opened(org_a)
    Rectification.objects.filter(pk=rectification.pk).update(
        deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    with pytest.raises(PermissionDenied, match="已过|deadline"):
        rectification_answer(actor=agency_a, rectification=rectification, answer="迟到")
    Rectification.objects.filter(pk=rectification.pk).update(deadline=timezone.localdate())
    _answered(rectification, agency_a)
    with pytest.raises(PermissionDenied):
        rectification_answer(actor=agency_a, rectification=rectification, answer="再答")


def test_a_blank_answer_or_a_wrong_file_is_refused_and_nothing_is_written(agency_a, org_a):
    rectification = _failed_and_opened(org_a)
    with pytest.raises(ValidationError) as caught:
        rectification_answer(actor=agency_a, rectification=rectification, answer="  ")
    assert "answer" in caught.value.message_dict
    text = SimpleUploadedFile("x.pdf", b"not really a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as caught:
        rectification_answer(actor=agency_a, rectification=rectification, answer="好", files=[text])
    assert "files" in caught.value.message_dict
    rectification.refresh_from_db()
    assert rectification.status == Rectification.Status.OPEN
    assert not Document.objects.filter(owner_id=str(rectification.pk)).exists()


def test_a_reinspection_is_planned_once_by_staff_after_the_answer(agency_a, org_a, reviewer):
    rectification = _failed_and_opened(org_a)
    with pytest.raises(PermissionDenied):
        reinspection_plan(actor=reviewer, rectification=rectification)  # not answered yet
    _answered(rectification, agency_a)
    with pytest.raises(PermissionDenied):
        reinspection_plan(actor=agency_a, rectification=rectification)
    reinspection_plan(actor=reviewer, rectification=rectification)
    with pytest.raises(ValidationError):
        reinspection_plan(actor=reviewer, rectification=rectification)
    assert Inspection.objects.filter(kind=Inspection.Kind.REINSPECTION).count() == 1
    assert AuditEntry.objects.filter(action="inspections.reinspection.planned").count() == 1
