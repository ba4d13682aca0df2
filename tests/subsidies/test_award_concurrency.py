"""Races on PostgreSQL: the year's award limits hold when two approvers decide at once.

Approving an award locks the year's AwardPolicy row before reading what the agency was
already granted; without the lock both approvals below would pass the yearly total."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from agencies import services as agency_services
from agencies.models import Recognition
from kunqu_jiafu import celery_app
from kunqu_jiafu.accounts.roles import APPROVER, REVIEWER
from subsidies import selectors, services
from subsidies.models import AwardPolicy, Claim
from tests import factories
from tests.concurrency import outcomes, run_together, slowed
from tests.subsidies.core_builders import PDF_BYTES, YEAR, first_passed, fund, seed_catalogue

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="needs PostgreSQL (row locks and concurrent transactions)",
    ),
]


@pytest.fixture(autouse=True)
def catalogue_and_stubs(transactional_db, monkeypatch):
    seed_catalogue()
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    monkeypatch.setattr("kunqu_jiafu.documents.pdf.render_pdf", lambda *args, **kwargs: PDF_BYTES)
    yield
    celery_app.conf.task_always_eager = previous


@pytest.mark.parametrize(
    "settings_",
    [{"yearly_total": "100000.00"}, {"awards_per_year": AwardPolicy.Limit.ONE}],
    ids=["yearly-total", "one-award-a-year"],
)
def test_two_approvers_cannot_both_grant_awards_past_the_years_limit(monkeypatch, settings_):
    reviewer = factories.make_user("reviewer_aw", REVIEWER)
    first, second = (factories.make_user(f"approver_aw{i}", APPROVER) for i in (1, 2))
    org = factories.make_agency("奖补并发家政")
    user = factories.make_agency_user("award_race", org)
    fund(first, "1000000.00")
    agency_services.recognition_grant(
        actor=reviewer,
        agency=org,
        kind=Recognition.Kind.STATION,
        year=YEAR,
        granted_on=dt.date(YEAR, 1, 10),
        valid_until=dt.date(YEAR + 2, 1, 9),
    )
    factories.record_standing(
        actor=reviewer, agency=org, year=YEAR, inspection="passed", rating="excellent"
    )
    services.award_policy_save(actor=first, year=YEAR, data=settings_)
    award = {"basis": "认定文件"}
    claims = [
        first_passed(
            user, org, reviewer, "station_award", declared=award | {"requested_amount": "60000.00"}
        ),
        first_passed(
            user,
            org,
            reviewer,
            "excellence_award",
            declared=award | {"requested_amount": "50000.00"},
        ),
    ]
    # Both read the agency's awards at the same moment unless the settings row serialises them.
    slowed(monkeypatch, selectors, "awards_granted")

    oks, errors = outcomes(
        run_together(
            lambda: services.claim_act(actor=first, claim=claims[0], action="approve"),
            lambda: services.claim_act(actor=second, claim=claims[1], action="approve"),
        )
    )

    assert len(oks) == 1 and len(errors) == 1, errors
    assert isinstance(errors[0], ValidationError)
    assert "按本年度奖补设置" in " ".join(errors[0].messages)
    approved = Claim.objects.filter(status=Claim.Status.APPROVED)
    assert approved.count() == 1
    assert sum(c.approved_amount for c in approved) <= Decimal("100000.00")
