"""A spot check's last two records recorded at the same moment by two staff, on PostgreSQL: the
row lock on the spot check serialises the decision "is every record recorded?", so the second
to decide sees the first's record and the spot check is closed, exactly once."""

from __future__ import annotations

import pytest
from django.conf import settings

from inspections.models import SpotCheck, SpotCheckItem
from inspections.services import spotcheck_outcomes
from inspections.services.spotchecks import spot_check_draw
from kunqu_jiafu.audit.models import AuditEntry
from tests.concurrency import outcomes, run_together, slowed
from tests.inspections.spot_builders import approved_claims, draw_kwargs
from tests.subsidies.core_builders import seed_catalogue

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="needs PostgreSQL (row locks and concurrent transactions)",
    ),
]


def test_the_last_two_records_recorded_at_once_close_the_spot_check_once(
    transactional_db, org_a, reviewer, reviewer2, monkeypatch
):
    seed_catalogue()
    approved_claims(org_a, 2)
    check = spot_check_draw(actor=reviewer, **draw_kwargs(sample_size=2))
    first, second = check.items.order_by("position")
    # Each recording lingers after deciding whether the spot check is done: without the lock
    # each decides while the other's record is still uncommitted, and neither closes it.
    slowed(monkeypatch, spotcheck_outcomes, "_close_when_done")

    def record(actor, item):
        return lambda: spotcheck_outcomes.spot_check_record(
            actor=actor, item=item, outcome="true", method="call", evidence="电话回访属实"
        )

    oks, errors = outcomes(run_together(record(reviewer, first), record(reviewer2, second)))
    assert errors == [] and len(oks) == 2
    assert not SpotCheckItem.objects.filter(outcome=SpotCheckItem.Outcome.PENDING).exists()
    assert SpotCheck.objects.get(pk=check.pk).status == SpotCheck.Status.CLOSED
    assert AuditEntry.objects.filter(action="inspections.spotcheck.closed").count() == 1
