"""The 优秀 quota under concurrency, on PostgreSQL. Issue 12: "the share that may be rated 优秀
is a setting". Two conclusions at the same moment with one place left: the row lock on the
year's scheme serialises them, so one is rated 优秀 and the other 良好 (the quota is used; the
decision of inspections/services/evaluations.py: rated 良好, not refused)."""

from __future__ import annotations

import pytest
from django.conf import settings

from agencies.models import AgencyStanding
from inspections import selectors
from inspections.models import PerformanceEvaluation
from inspections.services import evaluations as service
from kunqu_jiafu.accounts.roles import REVIEWER
from tests import factories
from tests.concurrency import outcomes, run_together, slowed

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="needs PostgreSQL (row locks and concurrent transactions)",
    ),
]

Rating = PerformanceEvaluation.Rating


def test_two_conclusions_at_the_cap_give_one_excellent_and_one_good(transactional_db, monkeypatch):
    # Each conclusion lingers after counting the 优秀 already given: without the lock both
    # would count none and both be rated 优秀.
    slowed(monkeypatch, selectors, "excellent_figures")
    reviewers = [factories.make_user(f"concurrent{i}", REVIEWER) for i in (1, 2)]
    scheme = service.scheme_create(actor=reviewers[0], year=2032)
    evaluations = [
        PerformanceEvaluation.objects.create(scheme=scheme, agency=factories.make_agency())
        for _ in range(5)
    ]  # 20 % of 5: one place
    contenders = evaluations[:2]
    for evaluation in contenders:
        scores = {c.pk: c.weight for c in scheme.criteria.all()}  # full marks
        service.evaluation_score(actor=reviewers[0], evaluation=evaluation, scores=scores)

    results = run_together(
        *(
            (lambda r=r, e=e: service.evaluation_conclude(actor=r, evaluation=e))
            for r, e in zip(reviewers, contenders, strict=True)
        )
    )
    oks, errors = outcomes(results)
    assert errors == []
    assert sorted(capped for _, capped in oks) == [False, True]
    ratings = sorted(
        PerformanceEvaluation.objects.filter(pk__in=[e.pk for e in contenders]).values_list(
            "rating", flat=True
        )
    )
    assert ratings == sorted([Rating.EXCELLENT, Rating.GOOD])
    assert selectors.excellent_figures(scheme) == {"base": 5, "cap": 1, "used": 1}
    standings = AgencyStanding.objects.filter(
        agency__in=[e.agency for e in contenders], year=2032
    ).values_list("rating", flat=True)
    assert sorted(standings) == sorted([Rating.EXCELLENT, Rating.GOOD])
