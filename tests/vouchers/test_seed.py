"""The 2026 batch and the plan's three target groups are seeded by migration (editable data)."""

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from tests.factories import keep_seeded_batch_current
from vouchers.models import TargetGroup, VoucherBatch

pytestmark = pytest.mark.django_db

seed_module = importlib.import_module("vouchers.migrations.0002_seed")


def test_the_2026_batch_is_5000_vouchers_of_200_yuan_1000000_in_all():
    batch = VoucherBatch.objects.get(year=2026, name="促进就业券")
    assert (batch.count, batch.face_value, batch.total) == (
        5000,
        Decimal("200.00"),
        Decimal("1000000.00"),
    )
    assert batch.status == VoucherBatch.Status.OPEN
    assert (batch.issued_count, batch.issued_amount) == (0, Decimal("0.00"))


def test_the_seeded_dates_are_the_plans_year():
    VoucherBatch.objects.filter(year=2026).delete()
    seed_module.seed(apps, None)
    batch = VoucherBatch.objects.get(year=2026)
    assert (batch.applications_open_on, batch.applications_close_on) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 12, 31),
    )
    assert (batch.valid_from, batch.valid_until) == (dt.date(2026, 1, 1), dt.date(2027, 6, 30))


def test_the_three_target_groups_the_plan_names():
    names = list(TargetGroup.objects.order_by("sort_order").values_list("name", flat=True))
    assert names[:3] == ["城镇失业人员", "就业困难人员", "劳动模范"]


def test_seeding_again_changes_nothing():
    before = list(VoucherBatch.objects.values_list("pk", "count", "total"))
    seed_module.seed(apps, None)
    assert list(VoucherBatch.objects.values_list("pk", "count", "total")) == before
    assert TargetGroup.objects.count() == 3


def test_the_test_helper_widens_the_windows_only_when_today_falls_outside():
    inside = keep_seeded_batch_current(dt.date(2026, 6, 1))
    assert inside.applications_close_on == dt.date(2026, 12, 31)
    later = keep_seeded_batch_current(dt.date(2027, 9, 1))
    assert later.applications_open_on <= dt.date(2027, 9, 1) <= later.applications_close_on
    assert later.valid_until >= dt.date(2028, 8, 31)
