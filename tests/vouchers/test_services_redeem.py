"""上门服务: a voucher is redeemed once, before it expires, by the agency its holder chose, with
the agency's own worker; a repeated request with the same Idempotency-Key is a replay."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from agencies.models import Agency, AgencyStanding
from tests import factories
from tests.vouchers import core_builders as b
from tests.vouchers.core_builders import english  # noqa: F401 - fixture
from vouchers import codes
from vouchers.models import Service, Voucher
from vouchers.services import common as service_common
from vouchers.services.choice import voucher_choose_agency
from vouchers.services.issue import voucher_void
from vouchers.services.redemption import voucher_redeem

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def setting(reviewer, org_a, org_b):
    small = b.batch(count=20)
    b.join(small, org_a, reviewer)
    b.join(small, org_b, reviewer)
    return small


@pytest.fixture
def worker_a(org_a):
    return factories.make_worker(org_a)


@pytest.fixture
def chosen(setting, reviewer, org_a):
    """An issued voucher whose holder chose agency A."""
    voucher = b.issued(setting, reviewer)
    return voucher_choose_agency(voucher=voucher, agency=org_a)


def _redeem(user, voucher_or_code, worker, **extra):
    code = voucher_or_code if isinstance(voucher_or_code, str) else voucher_or_code.code
    values = {
        "actor": user,
        "code": code,
        "service_date": timezone.localdate(),
        "kind": b.kind(),
        "worker": worker,
        "hours": Decimal("2"),
    }
    return voucher_redeem(**(values | extra))


def _refused(user, voucher_or_code, worker, **extra) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        _redeem(user, voucher_or_code, worker, **extra)
    return refused.value.message_dict


def test_a_voucher_is_redeemed_once_and_the_second_attempt_says_when_and_by_whom(
    chosen, agency_a, worker_a, org_a
):
    service, replayed = _redeem(agency_a, chosen.display_code.lower(), worker_a, note="保洁")
    assert not replayed and service.agency == org_a and service.redeemed_by == agency_a
    chosen.refresh_from_db()
    assert chosen.status == Voucher.Status.REDEEMED

    second = factories.make_agency_user("agency_a2", org_a)
    errors = _refused(second, chosen, worker_a, idempotency_key="another")

    message = errors["code"][0]
    when = timezone.localtime(service.redeemed_at)
    assert f"{when:%Y-%m-%d %H:%M}" in message
    assert org_a.name in message and "agency_a" in message
    assert "only once" in message
    assert Service.objects.filter(voucher=chosen).count() == 1


def test_the_redeemer_is_named_by_full_name_when_there_is_one(chosen, org_a, worker_a):
    clerk = factories.make_agency_user("clerk", org_a)
    clerk.first_name, clerk.last_name = "敏", "刘"
    clerk.save()
    _redeem(clerk, chosen, worker_a)
    message = _refused(clerk, chosen, worker_a)["code"][0]
    assert clerk.get_full_name() in message


def test_an_expired_voucher_is_not_redeemed(chosen, agency_a, worker_a, monkeypatch):
    last_day = chosen.valid_until
    monkeypatch.setattr(service_common, "today", lambda: last_day + dt.timedelta(days=1))

    message = _refused(agency_a, chosen, worker_a, service_date=last_day)["code"][0]

    assert "expired" in message
    assert not Service.objects.exists()
    # On its last day it is still good (served by a worker who is green that day).
    monkeypatch.setattr(service_common, "today", lambda: last_day)
    type(worker_a).objects.filter(pk=worker_a.pk).update(
        health_check_on=last_day - dt.timedelta(days=30), accident_insurance_until=last_day
    )
    service, _ = _redeem(agency_a, chosen, worker_a, service_date=last_day)
    assert service.service_date == last_day


def test_only_the_chosen_agency_redeems(chosen, agency_b, org_b):
    worker_b = factories.make_worker(org_b)
    message = _refused(agency_b, chosen, worker_b)["code"][0]
    assert "another agency" in message
    assert not Service.objects.exists()


def test_no_redemption_before_the_holder_chose_an_agency(setting, reviewer, agency_a, worker_a):
    voucher = b.issued(setting, reviewer)
    assert "not chosen an agency" in _refused(agency_a, voucher, worker_a)["code"][0]


def test_a_changed_choice_moves_the_redemption_to_the_new_agency(
    chosen, agency_a, agency_b, org_b, worker_a
):
    voucher_choose_agency(voucher=chosen, agency=org_b)
    assert "another agency" in _refused(agency_a, chosen, worker_a)["code"][0]
    service, _ = _redeem(agency_b, chosen, factories.make_worker(org_b))
    assert service.agency == org_b


def test_a_voided_voucher_is_not_redeemed(chosen, reviewer, agency_a, worker_a):
    voucher_void(actor=reviewer, voucher=chosen, reason="错发")
    assert "voided" in _refused(agency_a, chosen, worker_a)["code"][0]


def test_mistyped_wrong_and_unknown_codes_are_refused_on_the_code_field(chosen, agency_a, worker_a):
    typo = (
        chosen.code[:3] + next(c for c in codes.ALPHABET if c != chosen.code[3]) + chosen.code[4:]
    )
    assert "mistyped" in _refused(agency_a, typo, worker_a)["code"][0]
    swapped = chosen.code[1] + chosen.code[0] + chosen.code[2:]
    if swapped != chosen.code:
        assert "mistyped" in _refused(agency_a, swapped, worker_a)["code"][0]
    assert "cannot contain" in _refused(agency_a, "O" + chosen.code[1:], worker_a)["code"][0]
    assert "11 characters" in _refused(agency_a, chosen.code[:-1], worker_a)["code"][0]
    unknown = codes.generate()
    while unknown == chosen.code:  # pragma: no cover - one in 8·10^14
        unknown = codes.generate()
    assert "No voucher has this code" in _refused(agency_a, unknown, worker_a)["code"][0]
    assert not Service.objects.exists()


def test_the_service_date_is_not_in_the_future_nor_before_the_issue(chosen, agency_a, worker_a):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    errors = _refused(agency_a, chosen, worker_a, service_date=tomorrow)
    assert list(errors) == ["service_date"] and "future" in errors["service_date"][0]
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    errors = _refused(agency_a, chosen, worker_a, service_date=yesterday)
    assert (
        list(errors) == ["service_date"]
        and "before the voucher was issued" in (errors["service_date"][0])
    )
    # A voucher issued last month may be served any day since.
    b.backdate(chosen, timezone.localdate() - dt.timedelta(days=40))
    service, _ = _redeem(agency_a, chosen, worker_a, service_date=yesterday)
    assert service.service_date == yesterday


def test_the_worker_must_be_the_agencys_own_and_still_there(chosen, agency_a, org_b, worker_a):
    stranger = factories.make_worker(org_b)
    errors = _refused(agency_a, chosen, stranger)
    assert list(errors) == ["worker"] and "your agency" in errors["worker"][0]
    today = timezone.localdate()
    worker_a.left_on = today - dt.timedelta(days=1)
    worker_a.save()
    errors = _refused(agency_a, chosen, worker_a)
    assert list(errors) == ["worker"] and "left the agency" in errors["worker"][0]
    # The last working day still counts.
    worker_a.left_on = today
    worker_a.save()
    service, _ = _redeem(agency_a, chosen, worker_a)
    assert service.worker == worker_a


def test_hours_and_kind_are_checked(chosen, agency_a, worker_a):
    for hours in ("0", "0.4", "24.5", "-1"):
        errors = _refused(agency_a, chosen, worker_a, hours=Decimal(hours))
        assert list(errors) == ["hours"], hours
    retired = b.kind("other")
    retired.active = False
    retired.save()
    assert list(_refused(agency_a, chosen, worker_a, kind=retired)) == ["kind"]
    assert not Service.objects.exists()


def test_an_agency_that_lost_its_standing_after_being_chosen_cannot_redeem(
    chosen, agency_a, worker_a, org_a
):
    AgencyStanding.objects.create(
        agency=org_a, year=timezone.localdate().year, inspection=AgencyStanding.Inspection.FAILED
    )
    message = _refused(agency_a, chosen, worker_a)["code"][0]
    assert "failed" in message and "annual inspection" in message
    AgencyStanding.objects.all().delete()
    Agency.objects.filter(pk=org_a.pk).update(status=Agency.Status.SUSPENDED)
    assert "suspended" in _refused(agency_a, chosen, worker_a)["code"][0]
    assert not Service.objects.exists()


# --- idempotency -----------------------------------------------------------------------------------


def test_the_same_key_and_the_same_request_is_a_replay(chosen, agency_a, worker_a):
    first, replayed = _redeem(agency_a, chosen, worker_a, idempotency_key="req-1")
    assert not replayed

    again, replayed = _redeem(agency_a, chosen.display_code, worker_a, idempotency_key="req-1")

    assert replayed and again.pk == first.pk
    assert Service.objects.count() == 1


def test_the_same_key_with_other_content_is_refused_on_the_key(
    chosen, setting, reviewer, org_a, agency_a, worker_a
):
    _redeem(agency_a, chosen, worker_a, idempotency_key="req-1")
    other = voucher_choose_agency(voucher=b.issued(setting, reviewer), agency=org_a)
    for change in (
        {"hours": Decimal("3")},
        {"note": "改了备注"},
        {"worker": factories.make_worker(org_a)},
        {"kind": b.kind("eldercare")},
        {"service_date": timezone.localdate() - dt.timedelta(days=1)},
    ):
        worker = change.pop("worker", worker_a)
        errors = _refused(agency_a, chosen, worker, idempotency_key="req-1", **change)
        assert list(errors) == ["idempotency_key"], (change, worker)
    errors = _refused(agency_a, other, worker_a, idempotency_key="req-1")
    assert list(errors) == ["idempotency_key"]
    assert Service.objects.count() == 1
    other.refresh_from_db()
    assert other.status == Voucher.Status.ISSUED


def test_idempotency_keys_belong_to_one_agency(
    setting, reviewer, chosen, org_b, agency_a, agency_b, worker_a
):
    mine, _ = _redeem(agency_a, chosen, worker_a, idempotency_key="req-1")
    theirs = voucher_choose_agency(voucher=b.issued(setting, reviewer), agency=org_b)

    service, replayed = _redeem(
        agency_b, theirs, factories.make_worker(org_b), idempotency_key="req-1"
    )

    assert not replayed and service.pk != mine.pk and service.voucher == theirs
    assert Service.objects.filter(idempotency_key="req-1").count() == 2


def test_a_refused_request_uses_no_key(chosen, agency_a, worker_a):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    _refused(agency_a, chosen, worker_a, service_date=tomorrow, idempotency_key="req-1")
    service, replayed = _redeem(agency_a, chosen, worker_a, idempotency_key="req-1")
    assert not replayed and service.idempotency_key == "req-1"
