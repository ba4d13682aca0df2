"""The spot-check objects of the permission matrix's world (tests/url_matrix.py): one spot
check of agency A's vouchers with a record still to check and one checked true."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from inspections.models import SpotCheck, SpotCheckItem
from inspections.spotcheck_population import digest


def spot_check_objects(org_a, reviewer, pending_voucher, checked_voucher) -> dict[str, object]:
    ids = sorted([pending_voucher.pk, checked_voucher.pk])
    check = SpotCheck.objects.create(
        title="权限矩阵抽查",
        population="vouchers",
        period_start=dt.date(2020, 1, 1),
        period_end=timezone.localdate(),
        sample_size=2,
        seed=42,
        population_size=2,
        population_ids=ids,
        population_digest=digest(ids),
        created_by=reviewer,
    )
    pending = SpotCheckItem.objects.create(
        spot_check=check, position=1, voucher=pending_voucher, agency=org_a
    )
    checked = SpotCheckItem.objects.create(
        spot_check=check,
        position=2,
        voucher=checked_voucher,
        agency=org_a,
        outcome=SpotCheckItem.Outcome.TRUE,
        method=SpotCheckItem.Method.CALL,
        evidence="电话回访属实",
        checked_at=timezone.now(),
        checked_by=reviewer,
    )
    return {"spot_check_a": check, "spot_item_a": pending, "checked_item_a": checked}


def spot_fingerprint() -> list:
    return sorted(SpotCheckItem.objects.values_list("pk", "outcome", "assigned_to_id")) + [
        SpotCheck.objects.count()
    ]
