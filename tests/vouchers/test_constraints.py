"""The database itself refuses what must never happen, even for a write that bypasses the
services: counters above the caps, a second live application or voucher per household, a second
redemption, a satisfaction outside 1-5, a second statement per agency and month."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from tests import factories
from tests.vouchers import core_builders as b
from vouchers.models import (
    Application,
    FollowUp,
    Service,
    Settlement,
    Voucher,
    VoucherBatch,
)

pytestmark = pytest.mark.django_db


def _refused(write) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def _batch_update(the_batch: VoucherBatch, **values):
    return lambda: VoucherBatch.objects.filter(pk=the_batch.pk).update(**values)


def test_counters_above_the_caps_are_refused_by_the_database(reviewer):
    small = b.batch(count=3)  # 3 × 200.00 = 600.00
    b.issued(small, reviewer)
    b.issued(small, reviewer)
    _refused(_batch_update(small, issued_count=4))
    _refused(_batch_update(small, issued_count=F("issued_count") + 2))  # 2 + 2 > 3
    _refused(_batch_update(small, issued_amount=Decimal("600.01")))
    _refused(_batch_update(small, issued_amount=F("issued_amount") + Decimal("400.00")))
    _refused(_batch_update(small, issued_amount=Decimal("-0.01")))
    # Shrinking the batch below what is out breaks the cap as well.
    _refused(_batch_update(small, count=1, total=Decimal("200.00")))
    # Exactly at the cap is allowed.
    VoucherBatch.objects.filter(pk=small.pk).update(issued_count=3, issued_amount=Decimal("600.00"))


def test_total_must_be_count_times_face_value_in_the_database():
    small = b.batch(count=3)
    _refused(_batch_update(small, total=Decimal("599.99")))
    _refused(_batch_update(small, face_value=Decimal("100.00")))  # total stays 600.00
    _refused(_batch_update(small, count=0, total=Decimal("0.00")))
    _refused(_batch_update(small, count=3, face_value=Decimal("0.00"), total=Decimal("0.00")))
    _refused(_bad_batch)
    VoucherBatch.objects.filter(pk=small.pk).update(
        count=4, face_value=Decimal("150.00"), total=Decimal("600.00")
    )


def _bad_batch():
    today = timezone.localdate()
    VoucherBatch.objects.create(
        year=today.year,
        name="总额不符",
        count=5000,
        face_value=Decimal("200.00"),
        total=Decimal("999999.99"),
        applications_open_on=today,
        applications_close_on=today,
        valid_from=today,
        valid_until=today,
    )


def test_a_second_live_application_of_a_household_is_refused_by_the_database(reviewer):
    small = b.batch()
    first = b.apply(small, reviewer)

    def again(status=Application.Status.SUBMITTED, number="RAW-00002", batch=small):
        return Application.objects.create(
            batch=batch,
            number=number,
            person=first.person,
            phone="13900000002",
            address="别处",
            street=first.street,
            target_group=first.target_group,
            status=status,
            decided_at=None if status == "submitted" else timezone.now(),
        )

    _refused(again)
    _refused(lambda: again(Application.Status.APPROVED))
    # A rejected application is no obstacle, in either order.
    again(Application.Status.REJECTED, number="RAW-00003")
    Application.objects.filter(pk=first.pk).update(
        status=Application.Status.REJECTED, decided_at=timezone.now()
    )
    again(number="RAW-00004")
    _refused(lambda: again(number="RAW-00005"))
    # Another batch is another matter.
    again(number="RAW-00006", batch=b.batch())


def test_a_second_live_voucher_of_a_household_is_refused_by_the_database(reviewer):
    small = b.batch()
    voucher = b.issued(small, reviewer)

    def raw(code: str, status=Voucher.Status.ISSUED, **extra):
        values = {
            "batch": small,
            "application": voucher.application,
            "person": voucher.person,
            "code": code,
            "face_value": small.face_value,
            "status": status,
            "issued_at": timezone.now(),
            "issued_by": reviewer,
            "valid_until": small.valid_until,
        }
        return Voucher.objects.create(**(values | extra))

    _refused(lambda: raw("RAWCODE0001"))
    # Through another application of the same household, the household rule still holds.
    other = Application.objects.create(
        batch=small,
        number="RAW-00009",
        person=voucher.person,
        phone="13900000002",
        address="别处",
        street=voucher.application.street,
        target_group=voucher.application.target_group,
        status=Application.Status.REJECTED,
        decided_at=timezone.now(),
    )
    _refused(lambda: raw("RAWCODE0002", application=other))
    # A voided voucher no longer counts.
    raw("RAWCODE0003", Voucher.Status.VOIDED, voided_at=timezone.now())
    _refused(lambda: raw("RAWCODE0004", Voucher.Status.VOIDED))  # voided without a date
    _refused(lambda: raw(voucher.code, Voucher.Status.VOIDED, voided_at=timezone.now()))


def test_used_vouchers_must_carry_their_agency_verification_and_settlement(reviewer):
    voucher = b.issued(b.batch(), reviewer)
    only = Voucher.objects.filter(pk=voucher.pk)
    _refused(lambda: only.update(status=Voucher.Status.REDEEMED))  # no agency chosen
    _refused(lambda: only.update(status=Voucher.Status.VERIFIED))
    _refused(lambda: only.update(status=Voucher.Status.REIMBURSED, verified_at=timezone.now()))


def test_one_service_per_voucher_and_one_idempotency_key_per_agency(
    reviewer, org_a, org_b, agency_a
):
    small = b.batch(count=5)
    b.join(small, org_a, reviewer)
    worker = factories.make_worker(org_a)
    first = b.issued(small, reviewer)
    service = b.redeem(first, agency_a, worker, key="K-1")

    def raw(voucher, agency=org_a, key="", hours=Decimal("1.0")):
        return Service.objects.create(
            voucher=voucher,
            agency=agency,
            service_date=timezone.localdate(),
            kind=b.kind(),
            worker=worker,
            hours=hours,
            redeemed_at=timezone.now(),
            redeemed_by=agency_a,
            idempotency_key=key,
        )

    _refused(lambda: raw(first))
    second = b.issued(small, reviewer)
    _refused(lambda: raw(second, key=service.idempotency_key))
    _refused(lambda: raw(second, hours=Decimal("0")))
    _refused(lambda: raw(second, hours=Decimal("24.5")))
    raw(second, agency=org_b, key=service.idempotency_key)  # keys are per agency
    third = b.issued(small, reviewer)
    raw(third)  # an empty key is not a key: many services have none
    assert Service.objects.filter(idempotency_key="").count() == 1


def test_satisfaction_is_1_to_5_and_required_when_the_household_was_reached(reviewer):
    voucher = b.issued(b.batch(), reviewer)

    def raw(reached=True, satisfaction=None):
        return FollowUp.objects.create(
            voucher=voucher,
            called_on=timezone.localdate(),
            reached=reached,
            satisfaction=satisfaction,
            recorded_by=reviewer,
        )

    _refused(lambda: raw(satisfaction=0))
    _refused(lambda: raw(satisfaction=6))
    _refused(lambda: raw(reached=True, satisfaction=None))
    _refused(lambda: raw(reached=False, satisfaction=9))
    for score in range(1, 6):
        raw(satisfaction=score)
    raw(reached=False)
    assert FollowUp.objects.count() == 6


def test_one_statement_per_agency_and_month_never_empty_and_paid_with_a_date(reviewer, org_a):
    small = b.batch()
    month = timezone.localdate().replace(day=1)

    def raw(number, count=1, status=Settlement.Status.ISSUED, paid_on=None, on=month):
        return Settlement.objects.create(
            batch=small,
            agency=org_a,
            month=on,
            number=number,
            voucher_count=count,
            amount=Decimal("200.00") * count,
            status=status,
            paid_on=paid_on,
            created_by=reviewer,
        )

    raw("RAW-1")
    _refused(lambda: raw("RAW-2"))
    _refused(lambda: raw("RAW-1", on=month - dt.timedelta(days=1)))  # numbers are unique
    earlier = (month - dt.timedelta(days=1)).replace(day=1)
    _refused(lambda: raw("RAW-3", count=0, on=earlier))
    _refused(lambda: raw("RAW-4", status=Settlement.Status.PAID, on=earlier))
    raw("RAW-5", status=Settlement.Status.PAID, paid_on=timezone.localdate(), on=earlier)
