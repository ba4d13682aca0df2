"""Builders for the spot-check tests: populations written directly (draw tests) or taken through
the owning apps' services (outcome tests)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from subsidies.models import Claim
from tests.subsidies.core_builders import claim_type

DAY = dt.date(2026, 3, 10)
_period = itertools.count(1)


def approved_claims(agency, n: int, *, code: str = "loan_interest", day: dt.date = DAY):
    """n approved claims of one type decided on ``day`` (rows only: the draw reads, no money)."""
    kind = claim_type(code)
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    return Claim.objects.bulk_create(
        Claim(
            agency=agency,
            claim_type=kind,
            period=f"T{next(_period):05d}",
            status=Claim.Status.APPROVED,
            eligible_amount=Decimal("100.00"),
            approved_amount=Decimal("100.00"),
            decided_at=moment,
        )
        for _i in range(n)
    )


def draw_kwargs(**overrides) -> dict:
    base = {
        "title": "2026年一季度贷款贴息抽查",
        "population": "claims",
        "claim_types": ["loan_interest"],
        "period_start": dt.date(2026, 1, 1),
        "period_end": dt.date(2026, 3, 31),
        "sample_size": 5,
    }
    base.update(overrides)
    return base
