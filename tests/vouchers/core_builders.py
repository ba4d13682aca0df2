"""Builders for the voucher core tests: a batch, households and vouchers at each step, all made
through the services (only the bulk builder of the concurrency tests writes rows directly)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from agencies.models import BusinessFormat, Street
from tests import factories
from vouchers.models import Application, TargetGroup, Voucher, VoucherBatch
from vouchers.services.applications import application_create, application_decide
from vouchers.services.batches import participation_set
from vouchers.services.choice import voucher_choose_agency
from vouchers.services.issue import voucher_issue
from vouchers.services.redemption import voucher_redeem

_household = itertools.count(1)


@pytest.fixture
def english():
    """Messages in their English source text: the assertions survive the zh_Hans pass."""
    with translation.override("en"):
        yield


def household_id(n: int | None = None, *, seq: int = 2) -> str:
    """A distinct checksum-valid ID number per call: each household is born on another day."""
    n = next(_household) if n is None else n
    born = dt.date(1955, 1, 1) + dt.timedelta(days=n)
    return factories.id_number(birth=f"{born:%Y%m%d}", seq=seq)


def batch(count: int = 3, face: str = "200.00", **extra) -> VoucherBatch:
    """An open batch of this year, valid until the middle of next year."""
    today = timezone.localdate()
    face_value = Decimal(face)
    return VoucherBatch.objects.create(
        year=extra.pop("year", today.year),
        name=extra.pop("name", f"测试券{next(_household)}"),
        count=count,
        face_value=face_value,
        total=face_value * count,
        applications_open_on=extra.pop("applications_open_on", dt.date(today.year, 1, 1)),
        applications_close_on=extra.pop("applications_close_on", dt.date(today.year, 12, 31)),
        valid_from=extra.pop("valid_from", dt.date(today.year, 1, 1)),
        valid_until=extra.pop("valid_until", dt.date(today.year + 1, 6, 30)),
        status=extra.pop("status", VoucherBatch.Status.OPEN),
        **extra,
    )


def group(code: str = "unemployed") -> TargetGroup:
    return TargetGroup.objects.get(code=code)


def street(index: int = 0) -> Street:
    return Street.objects.order_by("code")[index]


def kind(code: str = "housekeeping") -> BusinessFormat:
    return BusinessFormat.objects.get(code=code)


def apply(
    the_batch: VoucherBatch,
    actor,
    *,
    id_number: str | None = None,
    name: str = "王秀英",
    group_code: str = "unemployed",
    on_street: Street | None = None,
) -> Application:
    """A reviewer enters the household's application at the counter (no upload needed)."""
    return application_create(
        batch=the_batch,
        id_number=id_number or household_id(),
        name=name,
        phone="13900000001",
        address="昆都仑区阿尔丁大街2号",
        street=on_street or street(),
        target_group=group(group_code),
        actor=actor,
    )


def approved(the_batch: VoucherBatch, actor, **kwargs) -> Application:
    application = apply(the_batch, actor, **kwargs)
    return application_decide(actor=actor, application=application, approve=True)


def issued(the_batch: VoucherBatch, actor, **kwargs) -> Voucher:
    return voucher_issue(actor=actor, application=approved(the_batch, actor, **kwargs))


def join(the_batch: VoucherBatch, agency, actor) -> None:
    participation_set(actor=actor, batch=the_batch, agency=agency)


def redeem(voucher: Voucher, agency_user, worker, *, on: dt.date | None = None, key: str = ""):
    """The household chose the worker's agency, which records the service; returns the service."""
    voucher_choose_agency(voucher=voucher, agency=worker.agency)
    service, _replayed = voucher_redeem(
        actor=agency_user,
        code=voucher.code,
        service_date=on or timezone.localdate(),
        kind=kind(),
        worker=worker,
        hours=Decimal("2"),
        idempotency_key=key,
    )
    return service


def backdate(voucher: Voucher, day: dt.date) -> None:
    """Pretend the voucher was issued on ``day`` (services may then be dated from that day)."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
    Voucher.objects.filter(pk=voucher.pk).update(issued_at=moment)
    voucher.issued_at = moment
