"""Scoring an inspection: the phone form's draft, the inspectors' scores, the conclusion.

Only the two inspectors assigned to an inspection write here. The draft is what the form
held when it was last saved automatically and never counts as a score; scores count once
saved; concluding computes the items computed from records as of that moment, the total and
the result by the template's thresholds, and writes the agency's standing when the agency
itself is the subject."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.services import standing_record_inspection
from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User

from .. import permissions, selectors
from ..models import ChecklistTemplate, Inspection, InspectionScore, SubjectKind
from . import consequences

DRAFT_MAX_BYTES = 64 * 1024
DRAFT_KEYS = {"scores", "notes", "inspected_on", "saved_at"}
NOTES_MAX = 5000
NOTE_MAX = 1000
# A draft is saved every few seconds while typing: one audit entry per this many minutes.
DRAFT_AUDIT_MINUTES = 15


def _locked(inspection: Inspection) -> Inspection:
    return Inspection.objects.select_for_update().get(pk=inspection.pk)


def _check(actor: User, inspection: Inspection) -> None:
    allowed, reason = permissions.can_score(actor, inspection)
    if not allowed:
        raise PermissionDenied(reason)


def _text(value, *, field: str, limit: int, label: str = "") -> str:
    """Inspector text, stripped. Refused when it holds a NUL character or a broken one (a lone
    surrogate from JSON): PostgreSQL stores neither, and no caller may hand one on."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError({field: _("Enter text.")})
    if len(value) > limit:
        raise ValidationError(
            {field: _("Keep it to %(limit)s characters or fewer.") % {"limit": limit}}
        )
    try:
        value.encode("utf-8")
        storable = "\x00" not in value
    except UnicodeEncodeError:
        storable = False
    if not storable:
        raise ValidationError(
            {
                field: _(
                    "%(field)s holds a character that cannot be stored (a NUL character or a "
                    "broken character): delete it and save again."
                )
                % {"field": label or field}
            }
        )
    return value.strip()


def _draft_clean(inspection: Inspection, draft) -> dict:
    """The draft's shape: {"scores": {item id: {"score": text, "note": text}}, "notes": text,
    "inspected_on": text, "saved_at": text}; unknown keys, other items and big drafts refused."""
    if not isinstance(draft, dict) or not set(draft) <= DRAFT_KEYS:
        raise ValidationError({"draft": _("The draft is not in the expected form.")})
    try:
        size = len(json.dumps(draft, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    except (RecursionError, TypeError, ValueError) as exc:  # too deep, or not JSON at all
        raise ValidationError({"draft": _("The draft is not in the expected form.")}) from exc
    if size > DRAFT_MAX_BYTES:
        raise ValidationError({"draft": _("The draft is too large to keep.")})
    items = {str(item.pk) for item in selectors.template_items(inspection) if not item.computed}
    scores = draft.get("scores") or {}
    if not isinstance(scores, dict) or not set(scores) <= items:
        raise ValidationError({"draft": _("The draft holds items this checklist does not have.")})
    clean = {}
    for key, entry in scores.items():
        if not isinstance(entry, dict) or not set(entry) <= {"score", "note"}:
            raise ValidationError({"draft": _("The draft is not in the expected form.")})
        clean[key] = {
            "score": _text(entry.get("score"), field="draft", limit=10, label=_("Draft: score")),
            "note": _text(entry.get("note"), field="draft", limit=NOTE_MAX, label=_("Draft: note")),
        }
    return {
        "scores": clean,
        "notes": _text(
            draft.get("notes"), field="draft", limit=NOTES_MAX, label=_("Draft: inspectors' notes")
        ),
        "inspected_on": _text(
            draft.get("inspected_on"), field="draft", limit=10, label=_("Draft: inspection date")
        ),
        "saved_at": _text(draft.get("saved_at"), field="draft", limit=40, label=_("Draft")),
    }


def inspection_draft_save(*, actor: User, inspection: Inspection, draft: dict) -> Inspection:
    """Keep what the phone form holds; it never counts as a score."""
    with transaction.atomic():
        inspection = _locked(inspection)
        _check(actor, inspection)
        clean = _draft_clean(inspection, draft)
        previous = inspection.draft_saved_at
        inspection.draft, inspection.draft_saved_at = clean, timezone.now()
        inspection.save(update_fields=["draft", "draft_saved_at"])
        if previous is None or inspection.draft_saved_at - previous > dt.timedelta(
            minutes=DRAFT_AUDIT_MINUTES
        ):
            audit.log(actor, inspection, "inspections.inspection.draft_saved")
    return inspection


def _score_value(item, value) -> Decimal | None:
    """A score between 0 and the item's points, or None when left empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip())
        # Two decimals at most; "1e999999999" cannot even be rounded (InvalidOperation).
        exact = number.is_finite() and number == number.quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        exact = False
    if not exact:
        raise ValidationError(
            {
                f"score_{item.pk}": _("“%(item)s”: enter a number of points, e.g. 8 or 8.5.")
                % {"item": item.title}
            }
        )
    if not Decimal("0") <= number <= item.weight:
        raise ValidationError(
            {
                f"score_{item.pk}": _(
                    "“%(item)s”: the score must be between 0 and %(weight)s points."
                )
                % {"item": item.title, "weight": f"{item.weight.normalize():f}"}
            }
        )
    return number


def _inspected_on(inspection: Inspection, value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, dt.date):
        raise ValidationError({"inspected_on": _("Enter the inspection date, e.g. 2026-09-15.")})
    if value > timezone.localdate():
        raise ValidationError({"inspected_on": _("The inspection date cannot be in the future.")})
    if value < inspection.round.starts_on:
        raise ValidationError(
            {
                "inspected_on": _(
                    "The inspection date cannot be before the round starts (%(day)s)."
                )
                % {"day": inspection.round.starts_on}
            }
        )
    return value


def _write_computed(inspection: Inspection, on: dt.date) -> dict[int, selectors.Computed]:
    figures = selectors.computed_items(inspection, on)
    for item_id, found in figures.items():
        InspectionScore.objects.update_or_create(
            inspection=inspection,
            item_id=item_id,
            defaults={
                "score": found.points,
                "computed_value": found.value,
                "computed_detail": found.detail[:200],
            },
        )
    return figures


def inspection_score_save(
    *, actor: User, inspection: Inspection, scores: dict, notes: str = "", inspected_on=None
) -> Inspection:
    """Record the inspectors' scores (an empty one stays unscored), notes and the date; the
    computed items are filled in by the system and cannot be overridden."""
    with transaction.atomic():
        inspection = _locked(inspection)
        _check(actor, inspection)
        items = {item.pk: item for item in selectors.template_items(inspection)}
        if not isinstance(scores, dict):
            raise ValidationError({"scores": _("The scores are not in the expected form.")})
        values = {}
        for key, entry in scores.items():
            item = items.get(int(key)) if str(key).isdecimal() else None
            if item is None:
                raise ValidationError({"scores": _("A score names an item not on this checklist.")})
            if item.computed:
                raise ValidationError(
                    {
                        f"score_{item.pk}": _(
                            "“%(item)s” is computed from the records and cannot be scored by hand."
                        )
                        % {"item": item.title}
                    }
                )
            entry = entry if isinstance(entry, dict) else {"score": entry}
            note = _text(
                entry.get("note"),
                field=f"note_{item.pk}",
                limit=NOTE_MAX,
                label=_("Note on “%(item)s”") % {"item": item.title},
            )
            values[item.pk] = (_score_value(item, entry.get("score")), note)
        notes = _text(notes, field="notes", limit=NOTES_MAX, label=_("Inspectors' notes"))
        day = _inspected_on(inspection, inspected_on)
        before = {"scored": inspection.scores.filter(score__isnull=False).count()}
        for item_id, (score, note) in values.items():
            InspectionScore.objects.update_or_create(
                inspection=inspection, item_id=item_id, defaults={"score": score, "note": note}
            )
        _write_computed(inspection, day or timezone.localdate())
        inspection.notes, inspection.inspected_on = notes, day
        if inspection.status == Inspection.Status.PLANNED:
            inspection.status = Inspection.Status.IN_PROGRESS
        # What was saved is newer than any draft: the form restores no older draft.
        inspection.draft, inspection.draft_saved_at = {}, timezone.now()
        inspection.save(
            update_fields=["notes", "inspected_on", "status", "draft", "draft_saved_at"]
        )
        audit.log(
            actor,
            inspection,
            "inspections.inspection.scored",
            before=before,
            after={
                "scores": {str(k): None if s is None else str(s) for k, (s, _n) in values.items()},
                "inspected_on": str(day) if day else None,
            },
        )
    return inspection


def result_for(template: ChecklistTemplate, score: Decimal) -> str:
    """合格 at or above the pass score, 基本合格 at or above the basic score, else 不合格."""
    if score >= template.pass_score:
        return Inspection.Result.PASSED
    if score >= template.basic_score:
        return Inspection.Result.BASICALLY_PASSED
    return Inspection.Result.FAILED


def _conclusion_problems(inspection: Inspection) -> dict[str, str]:
    problems = {}
    if not (inspection.inspector_1_id and inspection.inspector_2_id):
        problems["inspectors"] = _(
            "Two inspectors must be assigned before the inspection is concluded (the bureau's "
            "rule: two per inspection)."
        )
    if inspection.inspected_on is None:
        problems["inspected_on"] = _("Enter and save the inspection date before concluding.")
    scored = set(inspection.scores.filter(score__isnull=False).values_list("item_id", flat=True))
    missing = [
        item.title
        for item in selectors.template_items(inspection)
        if not item.computed and item.pk not in scored
    ]
    if missing:
        problems["scores"] = _("Score every item before concluding; not scored yet: %(items)s.") % {
            "items": "、".join(missing)
        }
    return problems


def inspection_conclude(*, actor: User, inspection: Inspection) -> Inspection:
    """Conclude: computed items from the records as of now, the total, the result by the
    template's thresholds; the agency's standing when the agency is the subject; then what
    follows (rectification, re-inspection) in consequences.after_conclusion."""
    with transaction.atomic():
        inspection = _locked(inspection)
        _check(actor, inspection)
        problems = _conclusion_problems(inspection)
        if problems:
            raise ValidationError(problems)
        _write_computed(inspection, timezone.localdate())
        total = sum(
            (s for s in inspection.scores.values_list("score", flat=True) if s is not None),
            Decimal("0"),
        ).quantize(Decimal("0.01"))
        template = ChecklistTemplate.objects.get(pk=inspection.template_id)
        inspection.score, inspection.result = total, result_for(template, total)
        inspection.status = Inspection.Status.CONCLUDED
        inspection.concluded_at, inspection.concluded_by = timezone.now(), actor
        inspection.draft = {}
        inspection.save(
            update_fields=["score", "result", "status", "concluded_at", "concluded_by", "draft"]
        )
        audit.log(
            actor,
            inspection,
            "inspections.inspection.concluded",
            after={"score": str(total), "result": inspection.result},
        )
        if inspection.subject_kind == SubjectKind.AGENCY:
            standing_record_inspection(
                actor=actor,
                agency=inspection.agency,
                year=inspection.round.year,
                result=inspection.result,
                reason=_("%(kind)s #%(pk)s: %(score)s points")
                % {"kind": inspection.get_kind_display(), "pk": inspection.pk, "score": total},
            )
        consequences.after_conclusion(inspection)
    return inspection


PHOTO_LIMIT = 30


def inspection_photos_add(*, actor: User, inspection: Inspection, uploads) -> list:
    """Photos taken at the inspection (JPEG or PNG, within the upload size limit), kept as
    documents owned by the inspection: all of them, or none when one is refused."""
    from kunqu_jiafu.documents.services import document_store
    from kunqu_jiafu.documents.sniff import JPEG, PNG

    with transaction.atomic():
        inspection = _locked(inspection)
        _check(actor, inspection)
        if not uploads:
            raise ValidationError({"photos": _("Choose or take at least one photo.")})
        if selectors.photos_of(inspection).count() + len(uploads) > PHOTO_LIMIT:
            raise ValidationError(
                {"photos": _("An inspection keeps at most %(n)s photos.") % {"n": PHOTO_LIMIT}}
            )
        documents = []
        for upload in uploads:
            try:
                document = document_store(
                    upload,
                    allowed=(JPEG, PNG),
                    field="photos",
                    user=actor,
                    owner=inspection,
                    purpose=selectors.PHOTO_PURPOSE,
                )
            except ValidationError as exc:
                raise ValidationError(
                    {"photos": f"“{upload.name}”：" + " ".join(exc.messages)}
                ) from exc
            documents.append(document)
        audit.log(
            actor,
            inspection,
            "inspections.inspection.photo_added",
            after={"documents": [d.pk for d in documents]},
        )
    return documents
