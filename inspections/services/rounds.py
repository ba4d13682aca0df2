"""The annual round (年检复核): made for a year, then planned in one step: one annual inspection
per registered agency, and per recognised centre, station and market and per brand title held
by a registered agency, each against its subject's current checklist template.

Brand titles: the plan's "创建品牌" covers every title the bureau grants as a brand, the same
four that the brand award reads (subsidies.rules.BRAND_KINDS): 自治区家庭服务知名品牌,
包头市特色家政服务品牌, 自治区"百户十强" and "领跑者"企业. The training demonstration base is
not a service the plan inspects yearly, so it has no inspection of its own.

Planning reads the subjects and writes the inspections in a fixed number of queries whatever
the number of agencies (one INSERT … ON CONFLICT DO NOTHING); planning again adds only the
inspections still missing (the round's unique constraints decide), under the round's lock.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import selectors as agency_selectors
from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User

from .. import permissions, selectors
from ..models import Inspection, InspectionRound, SubjectKind

# Recognition kind (code) → the subject its inspection looks at.
RECOGNITION_SUBJECTS = {
    "centre": SubjectKind.CENTRE,
    "station": SubjectKind.STATION,
    "market": SubjectKind.MARKET,
    "regional_brand": SubjectKind.BRAND,
    "city_brand": SubjectKind.BRAND,
    "top_hundred": SubjectKind.BRAND,
    "frontrunner": SubjectKind.BRAND,
}


def _require(result: tuple[bool, str]) -> None:
    allowed, reason = result
    if not allowed:
        raise PermissionDenied(reason)


def round_create(
    *, actor: User, year: int, title: str, starts_on: dt.date, due_on: dt.date
) -> InspectionRound:
    """A year's round, not planned yet; one round a year."""
    _require(permissions.can_manage_rounds(actor))
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter the year of the round, e.g. 2026.")})
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the round a title, e.g. 2026 年度年检复核.")})
    if not isinstance(starts_on, dt.date):
        raise ValidationError({"starts_on": _("Enter the date the round starts.")})
    if not isinstance(due_on, dt.date):
        raise ValidationError({"due_on": _("Enter the date the inspections are due by.")})
    if due_on < starts_on:
        raise ValidationError(
            {"due_on": _("The inspections cannot be due before the round starts: move the date.")}
        )
    try:
        with transaction.atomic():
            round = InspectionRound.objects.create(
                year=year, title=title, starts_on=starts_on, due_on=due_on
            )
            audit.log(
                actor,
                round,
                "inspections.round.created",
                after={"year": year, "starts_on": starts_on, "due_on": due_on},
            )
    except IntegrityError:
        raise ValidationError(
            {"year": _("The round of %(year)s already exists: open it.") % {"year": year}}
        ) from None
    return round


def _subjects(year: int, templates: dict) -> list[Inspection]:
    """The round's annual inspections, unsaved: two queries whatever the number of agencies."""
    rows = [
        Inspection(agency_id=pk, subject_kind=SubjectKind.AGENCY, template=templates["agency"])
        for pk in agency_selectors.registered_agencies().values_list("pk", flat=True)
    ]
    recognitions = agency_selectors.recognitions_of_registered_agencies(
        RECOGNITION_SUBJECTS, year
    ).values_list("pk", "agency_id", "kind_id")
    for pk, agency_id, kind in recognitions:
        subject = RECOGNITION_SUBJECTS[kind]
        rows.append(
            Inspection(
                agency_id=agency_id,
                recognition_id=pk,
                subject_kind=subject,
                template=templates[subject],
            )
        )
    return rows


def round_plan(*, actor: User, round: InspectionRound) -> dict[str, int]:
    """Add the round's missing annual inspections; returns how many were added per subject
    (and in all, "total"). Audited with the counts."""
    _require(permissions.can_manage_rounds(actor))
    templates = selectors.current_templates()
    missing = [label for value, label in SubjectKind.choices if value not in templates]
    if missing:
        raise ValidationError(
            _("No current checklist template for: %(subjects)s. Make one first.")
            % {"subjects": "、".join(str(label) for label in missing)}
        )
    with transaction.atomic():
        round = InspectionRound.objects.select_for_update().get(pk=round.pk)
        if round.closed_at is not None:
            raise ValidationError(_("The round of %(year)s is closed.") % {"year": round.year})

        def counts() -> dict[str, int]:
            rows = (
                Inspection.objects.filter(round=round, kind=Inspection.Kind.ANNUAL)
                .values("subject_kind")
                .annotate(n=Count("pk"))
            )
            return {row["subject_kind"]: row["n"] for row in rows}

        before = counts()
        rows = _subjects(round.year, templates)
        for row in rows:
            row.round = round
        Inspection.objects.bulk_create(rows, ignore_conflicts=True)
        after = counts()
        added = {kind: after.get(kind, 0) - before.get(kind, 0) for kind in SubjectKind.values}
        added["total"] = sum(added.values())
        round.planned_at, round.planned_by = timezone.now(), actor
        round.save(update_fields=["planned_at", "planned_by"])
        audit.log(
            actor,
            round,
            "inspections.round.planned",
            before={"inspections": sum(before.values())},
            after={"inspections": sum(after.values()), "added": added},
        )
    return added
