"""Races on PostgreSQL for the subjects' "once" rule: two claims listing the same worker-month
at the same moment are subsidised once, held by the constraint on the person and month."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from subsidies import selectors, services
from subsidies.models import Claim, ClaimSubject
from tests import factories
from tests.concurrency import outcomes, run_together, slowed
from tests.subsidies.core_builders import claim_type, file_employee_system, seed_catalogue

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="needs PostgreSQL (concurrent transactions)",
    ),
]


@pytest.fixture(autouse=True)
def catalogue(transactional_db):
    seed_catalogue()


def test_two_agencies_listing_the_same_worker_month_at_once_are_paid_once(monkeypatch):
    """社会保险补贴 per named worker and month: a worker of two agencies, claimed by both for the
    same month in the same moment, is subsidised by one claim only."""
    pairs = []
    for i in range(2):
        org = factories.make_agency(f"并发员工制{i}")
        file_employee_system(org)
        pairs.append((factories.make_agency_user(f"race_si{i}", org), org))
    person = factories.make_person("王芳")
    person.is_hard_to_employ = True
    person.save()
    for _user, org in pairs:
        factories.make_worker(org, person=person)
    slowed(monkeypatch, selectors, "eligibility_for")

    def create(user, org):
        return lambda: services.claim_create(
            actor=user,
            agency=org,
            claim_type=claim_type("social_insurance"),
            period="2026Q3",
            declared={},
            subjects=[f"{person.id_number} 2026-07 800"],
        )

    oks, errors = outcomes(run_together(*(create(user, org) for user, org in pairs)))

    assert len(oks) == 1 and len(errors) == 1, errors
    assert isinstance(errors[0], ValidationError)
    assert "王芳 2026-07" in errors[0].message_dict["subjects"][0]
    assert Claim.objects.count() == 1  # the loser left nothing behind
    assert ClaimSubject.objects.filter(person=person, live=True).count() == 1
