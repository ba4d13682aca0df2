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

from .models import Inspection, InspectionRound
from .services import assignment, rounds, scoring

YEAR = 2026


def _round(approver: User) -> InspectionRound:
    """The 2026 round, planned through the services (every registered agency and recognition)."""
    found = InspectionRound.objects.filter(year=YEAR).first()
    if found is None:
        found = rounds.round_create(
            actor=approver,
            year=YEAR,
            title=gettext("Annual inspection of family service agencies %(year)s") % {"year": YEAR},
            starts_on=dt.date(YEAR, 3, 1),
            due_on=dt.date(YEAR, 12, 31),
        )
    if found.planned_at is None:
        rounds.round_plan(actor=approver, round=found)
    return found


def _agency_inspection(round_: InspectionRound, agency) -> Inspection | None:
    return Inspection.objects.filter(
        round=round_, agency=agency, kind=Inspection.Kind.ANNUAL, recognition=None
    ).first()


def load(*, password: str, stdout) -> None:
    reviewer = User.objects.filter(username="reviewer").first()
    approver = User.objects.filter(username="approver").first()
    members = [User.objects.filter(username=name).first() for name in ("agency_a", "agency_b")]
    agencies = [agency_selectors.agency_of_user(user) if user else None for user in members]
    if reviewer is None or approver is None or None in agencies:
        return
    round_ = _round(approver)
    done, waiting = (_agency_inspection(round_, agency) for agency in agencies[:2])
    if done is None or waiting is None:  # a demo agency is not registered
        return
    unassigned = [i for i in (done, waiting) if i.inspector_1_id is None]
    if unassigned:
        assignment.inspectors_assign(
            actor=approver, inspections=unassigned, inspector_1=reviewer, inspector_2=approver
        )
    if done.status != Inspection.Status.CONCLUDED:
        done.refresh_from_db()
        # Nine tenths of each item's points, in half points: a pass with the computed items.
        scores = {
            str(item.pk): {"score": str((item.weight * Decimal("0.9") * 2).to_integral() / 2)}
            for item in done.template.items.all()
            if not item.computed
        }
        scoring.inspection_score_save(
            actor=reviewer,
            inspection=done,
            scores=scores,
            notes=gettext(
                "The five unifications are in place; one worker's health check had lapsed."
            ),
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
            "other": waiting.agency.name,
        }
    )
