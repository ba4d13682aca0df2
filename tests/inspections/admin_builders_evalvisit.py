"""Row builders of the performance-evaluation and field-visit admins, for the generic
query-count walk (tests/admin_builders.py merges ``BUILDERS``)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from inspections.models import (
    EvaluationCriterion,
    EvaluationScheme,
    EvaluationScore,
    FieldVisit,
    PerformanceEvaluation,
)
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.documents.models import Document

_years = itertools.count(3000)


def _agencies(world, count):
    from tests.admin_builders import agencies

    return agencies(world, count)


def _scheme(criteria: int = 6) -> EvaluationScheme:
    scheme = EvaluationScheme.objects.create(year=next(_years))
    EvaluationCriterion.objects.bulk_create(
        EvaluationCriterion(
            scheme=scheme, code=f"c{i}", title=f"指标{i}", weight=Decimal(100) / criteria
        )
        for i in range(criteria)
    )
    return scheme


def _schemes(world, rows, related):
    """Schemes with evaluations (some concluded 优秀); the focus has ``related`` criteria (the
    inline) and ``related`` evaluations (the quota)."""
    EvaluationScheme.objects.bulk_create(EvaluationScheme(year=next(_years)) for _ in range(rows))
    focus = _scheme(criteria=min(related, 50))
    PerformanceEvaluation.objects.bulk_create(
        PerformanceEvaluation(scheme=focus, agency=a) for a in _agencies(world, related)
    )
    return focus


def _evaluations(world, rows, related):
    """Evaluations of one year, every other one concluded; the focus is open with a score for
    each criterion (its change page shows one field a criterion)."""
    scheme = _scheme(criteria=min(related, 50))
    now = timezone.now()
    made = PerformanceEvaluation.objects.bulk_create(
        PerformanceEvaluation(
            scheme=scheme,
            agency=a,
            evaluated_by=world.user,
            score=Decimal("91") if k % 2 else None,
            rating="excellent" if k % 2 else "none",
            concluded_at=now if k % 2 else None,
        )
        for k, a in enumerate(_agencies(world, rows + 1))
    )
    focus = made[0]
    EvaluationScore.objects.bulk_create(
        EvaluationScore(evaluation=focus, criterion=c, score=Decimal(1))
        for c in scheme.criteria.all()
    )
    return focus


def _staff_users(count: int) -> list[User]:
    from django.contrib.auth.models import Group

    from kunqu_jiafu.accounts.roles import REVIEWER

    users = User.objects.bulk_create(
        User(username=f"visitor{next(_years)}", password="!", full_name="走访人员")
        for _ in range(count)
    )
    Group.objects.get(name=REVIEWER).user_set.add(*users)
    return users


def _visits(world, rows, related):
    """Visits by two staff each; the focus has ``related`` photos (capped at the service's
    twenty for real visits, but the page must not grow with them either)."""
    staff = _staff_users(2)
    agency = _agencies(world, 1)[0]
    made = FieldVisit.objects.bulk_create(
        FieldVisit(
            agency=agency,
            visited_on=dt.date(2026, 1, 1) + dt.timedelta(days=k % 300),
            purpose=f"走访{k}",
            created_by=world.user,
        )
        for k in range(rows)
    )
    through = FieldVisit.staff.through
    through.objects.bulk_create(
        through(fieldvisit_id=v.pk, user_id=u.pk) for v in made for u in staff
    )
    focus = made[0]
    ct = ContentType.objects.get_for_model(FieldVisit)
    Document.objects.bulk_create(
        Document(
            file=f"test/visit-{focus.pk}-{k}.png",
            original_name=f"照片{k}.png",
            content_type="image/png",
            extension="png",
            size=100,
            sha256="0" * 64,
            owner_type=ct,
            owner_id=str(focus.pk),
            created_at=timezone.now(),
        )
        for k in range(related)
    )
    return focus


BUILDERS = {
    "inspections.EvaluationScheme": _schemes,
    "inspections.PerformanceEvaluation": _evaluations,
    "inspections.FieldVisit": _visits,
}
