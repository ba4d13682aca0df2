"""Rectification (整改) after a failed annual inspection: opened with a deadline and what to
fix, answered by the agency with evidence, re-inspected, and closed: passed, failed or lapsed.
A failed re-inspection or a missed deadline revokes the recognitions involved (优胜劣汰)
through the agencies service."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import selectors as agency_selectors
from agencies.services.recognitions import recognition_revoke
from kunqu_jiafu import audit
from kunqu_jiafu.documents.services import document_store
from kunqu_jiafu.documents.sniff import JPEG, PDF, PNG
from kunqu_jiafu.notifications.services import notify

from .. import permissions
from ..models import Inspection, InspectionScore, Rectification

EVIDENCE_TYPES = (PDF, JPEG, PNG)
MAX_EVIDENCE_FILES = 10
MAX_ANSWER_CHARS = 5000
CLOSED = (Rectification.Status.PASSED, Rectification.Status.FAILED, Rectification.Status.LAPSED)
PASSING = (Inspection.Result.PASSED, Inspection.Result.BASICALLY_PASSED)


def _require(check: tuple[bool, str]) -> None:
    allowed, reason = check
    if not allowed:
        raise PermissionDenied(reason)


def _points(value: Decimal | None) -> str:
    return "—" if value is None else f"{value.normalize():f}"


def requirements_text(inspection: Inspection) -> str:
    """What to fix: every item that lost points (earned / possible, the inspectors' note),
    then the inspectors' notes on the whole inspection."""
    lines = []
    scores = (
        InspectionScore.objects.filter(inspection=inspection)
        .select_related("item")
        .order_by("item__sort_order", "item_id")
    )
    for score in scores:
        if score.score is not None and score.score >= score.item.weight:
            continue
        line = _("%(item)s: %(earned)s of %(possible)s points") % {
            "item": score.item.title,
            "earned": _points(score.score),
            "possible": _points(score.item.weight),
        }
        if score.note.strip():
            line += _("; the inspectors noted: %(note)s") % {"note": score.note.strip()}
        lines.append(f"· {line}")
    if not lines:
        lines.append("· " + _("No single item lost points; see the inspectors' notes."))
    text = _("Items that lost points:") + "\n" + "\n".join(lines)
    if inspection.notes.strip():
        text += "\n\n" + _("The inspectors' notes:") + "\n" + inspection.notes.strip()
    return text


def _portal_url(rectification: Rectification) -> str:
    return reverse("inspections:rectification", args=[rectification.pk])


def rectification_open(inspection: Inspection) -> Rectification:
    """Open the rectification of a failed annual inspection (once: a second call returns the
    one that exists). Deadline: the conclusion date + INSPECTION_RECTIFICATION_DAYS."""
    with transaction.atomic():
        inspection = (
            Inspection.objects.select_for_update().select_related("agency").get(pk=inspection.pk)
        )
        existing = Rectification.objects.filter(inspection=inspection).first()
        if existing is not None:
            return existing
        if inspection.kind != Inspection.Kind.ANNUAL or (
            inspection.status != Inspection.Status.CONCLUDED
            or inspection.result != Inspection.Result.FAILED
        ):
            raise ValidationError(_("Only a failed annual inspection is rectified."))
        concluded = (
            timezone.localdate(inspection.concluded_at)
            if inspection.concluded_at
            else inspection.inspected_on
        )
        deadline = concluded + dt.timedelta(days=settings.INSPECTION_RECTIFICATION_DAYS)
        rectification = Rectification.objects.create(
            inspection=inspection, deadline=deadline, requirements=requirements_text(inspection)
        )
        audit.log(
            inspection.concluded_by,
            rectification,
            "inspections.rectification.opened",
            after={"inspection": inspection.pk, "deadline": deadline},
        )
        notify(
            agency_selectors.agency_users(inspection.agency),
            _("Inspection failed: rectify by %(date)s") % {"date": deadline.isoformat()},
            _(
                "The inspection %(inspection)s was failed. Fix what is listed below and answer "
                "with evidence in the portal by %(date)s; a re-inspection follows. If the "
                "deadline is missed, the recognitions involved are revoked.\n\n%(what)s"
            )
            % {
                "inspection": inspection,
                "date": deadline.isoformat(),
                "what": rectification.requirements,
            },
            _portal_url(rectification),
        )
    return rectification


def rectification_answer(
    *, actor, rectification: Rectification, answer: str, files=()
) -> Rectification:
    """The agency's answer with its evidence (PDF/JPEG/PNG, checked as every upload is): only
    the agency's own users, while the rectification is open and before its deadline."""
    answer = (answer or "").strip()
    files = [f for f in (files or []) if f]
    errors = {}
    if not answer:
        errors["answer"] = _("Describe what the agency has fixed (the answer is required).")
    elif len(answer) > MAX_ANSWER_CHARS:
        errors["answer"] = _("The answer is too long: at most %(n)s characters.") % {
            "n": MAX_ANSWER_CHARS
        }
    if len(files) > MAX_EVIDENCE_FILES:
        errors["files"] = _("At most %(n)s evidence files; please combine some.") % {
            "n": MAX_EVIDENCE_FILES
        }
    with transaction.atomic():
        rectification = (
            Rectification.objects.select_for_update()
            .select_related("inspection__agency")
            .get(pk=rectification.pk)
        )
        _require(permissions.can_answer_rectification(actor, rectification))
        if errors:
            raise ValidationError(errors)
        stored = [
            document_store(
                upload,
                allowed=EVIDENCE_TYPES,
                field="files",
                user=actor,
                owner=rectification,
                purpose="rectification-evidence",
            )
            for upload in files
        ]
        rectification.answer = answer
        rectification.answered_at = timezone.now()
        rectification.answered_by = actor
        rectification.status = Rectification.Status.ANSWERED
        rectification.save(update_fields=["answer", "answered_at", "answered_by", "status"])
        audit.log(
            actor,
            rectification,
            "inspections.rectification.answered",
            before={"status": Rectification.Status.OPEN},
            after={"status": rectification.status, "files": [d.original_name for d in stored]},
        )
    return rectification


def reinspection_plan(*, actor, rectification: Rectification) -> Inspection:
    """Plan the re-inspection of an answered rectification: same round, subject, agency,
    recognition and template as the failed inspection, the same two inspectors (they can be
    reassigned before it is scored)."""
    with transaction.atomic():
        rectification = Rectification.objects.select_for_update().get(pk=rectification.pk)
        _require(permissions.can_plan_reinspection(actor, rectification))
        failed = rectification.inspection
        if Inspection.objects.filter(parent=failed).exists():
            raise ValidationError(_("The re-inspection of this inspection is already planned."))
        reinspection = Inspection.objects.create(
            round_id=failed.round_id,
            kind=Inspection.Kind.REINSPECTION,
            parent=failed,
            subject_kind=failed.subject_kind,
            agency_id=failed.agency_id,
            recognition_id=failed.recognition_id,
            template_id=failed.template_id,
            inspector_1_id=failed.inspector_1_id,
            inspector_2_id=failed.inspector_2_id,
        )
        audit.log(
            actor,
            reinspection,
            "inspections.reinspection.planned",
            after={"parent": failed.pk, "rectification": rectification.pk},
        )
    return reinspection


def recognitions_involved(inspection: Inspection) -> list:
    """The recognitions a failure takes away (优胜劣汰): the recognition inspected, or, when
    the agency itself was inspected, every recognition of the agency still valid."""
    if inspection.recognition_id:
        recognition = inspection.recognition
        return [recognition] if recognition.status == recognition.Status.VALID else []
    return list(agency_selectors.recognitions_in_force(inspection.agency).order_by("pk"))


def _revoke_involved(actor, inspection: Inspection, reason: str) -> list[int]:
    revoked = []
    for recognition in recognitions_involved(inspection):
        try:
            recognition_revoke(actor=actor, recognition=recognition, reason=reason)
        except ValidationError:
            continue  # revoked meanwhile
        revoked.append(recognition.pk)
    return revoked


def rectification_close(reinspection: Inspection) -> Rectification | None:
    """A concluded re-inspection closes its parent's rectification: 合格 / 基本合格 → passed;
    不合格 → failed, and the recognitions involved are revoked (优胜劣汰: for a recognition,
    that recognition; for the agency, every valid recognition it holds). A second call
    changes nothing."""
    with transaction.atomic():
        rectification = (
            Rectification.objects.select_for_update()
            .select_related("inspection__agency", "inspection__round")
            .filter(inspection_id=reinspection.parent_id)
            .first()
        )
        if rectification is None or rectification.status in CLOSED:
            return rectification
        if reinspection.status != Inspection.Status.CONCLUDED:
            raise ValidationError(_("The re-inspection is not concluded yet."))
        passed = reinspection.result in PASSING
        before = {"status": rectification.status}
        rectification.status = (
            Rectification.Status.PASSED if passed else Rectification.Status.FAILED
        )
        rectification.closed_at = timezone.now()
        if rectification.answered_at is None:  # concluded without an answer on record
            rectification.answered_at = rectification.closed_at
        rectification.save(update_fields=["status", "closed_at", "answered_at"])
        revoked = []
        if not passed:
            reason = _(
                "Failed the re-inspection %(inspection)s (#%(pk)s) after rectification (优胜劣汰)."
            ) % {"inspection": reinspection, "pk": reinspection.pk}
            revoked = _revoke_involved(reinspection.concluded_by, reinspection, reason)
        audit.log(
            reinspection.concluded_by,
            rectification,
            "inspections.rectification.closed",
            before=before,
            after={
                "status": rectification.status,
                "reinspection": reinspection.pk,
                "revoked": revoked,
            },
        )
        notify(
            agency_selectors.agency_users(rectification.inspection.agency),
            _("Re-inspection passed: the rectification is closed")
            if passed
            else _("Re-inspection failed: recognitions revoked"),
            _("Result of the re-inspection %(inspection)s: %(result)s.")
            % {"inspection": reinspection, "result": reinspection.get_result_display()},
            _portal_url(rectification),
        )
    return rectification


def rectification_lapse(rectification: Rectification) -> bool:
    """Mark one open rectification past its deadline lapsed and revoke the recognitions
    involved (the system is the actor). False when it was answered or closed meanwhile."""
    today = timezone.localdate()
    with transaction.atomic():
        rectification = (
            Rectification.objects.select_for_update()
            .select_related("inspection__agency", "inspection__round")
            .get(pk=rectification.pk)
        )
        if rectification.status != Rectification.Status.OPEN or rectification.deadline >= today:
            return False
        rectification.status = Rectification.Status.LAPSED
        rectification.closed_at = timezone.now()
        rectification.save(update_fields=["status", "closed_at"])
        inspection = rectification.inspection
        reason = _(
            "The rectification deadline %(date)s of the failed inspection %(inspection)s "
            "(#%(pk)s) was missed (优胜劣汰)."
        ) % {
            "date": rectification.deadline.isoformat(),
            "inspection": inspection,
            "pk": inspection.pk,
        }
        revoked = _revoke_involved(None, inspection, reason)
        audit.log(
            None,
            rectification,
            "inspections.rectification.lapsed",
            before={"status": Rectification.Status.OPEN},
            after={"status": rectification.status, "revoked": revoked},
            reason=reason,
        )
        notify(
            agency_selectors.agency_users(inspection.agency),
            _("Rectification deadline missed: recognitions revoked"),
            reason,
            _portal_url(rectification),
        )
    return True


def rectifications_lapse() -> dict[str, int]:
    """The nightly check (celery beat): every open rectification past its deadline lapses,
    each in its own transaction. Safe to run twice."""
    today = timezone.localdate()
    due = Rectification.objects.filter(status=Rectification.Status.OPEN, deadline__lt=today)
    done = {"lapsed": 0}
    for rectification in due.order_by("pk"):
        if rectification_lapse(rectification):
            done["lapsed"] += 1
    return done
