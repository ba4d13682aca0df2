"""跟踪回访 and 服务核查: a follow-up call comes after the service and records satisfaction 1-5
when the household was reached; a redeemed voucher is verified once, passed or failed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests import factories
from tests.vouchers import core_builders as b
from tests.vouchers.core_builders import english  # noqa: F401 - fixture
from vouchers.models import FollowUp, Voucher
from vouchers.services.verification import followup_record, voucher_verify

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def setting(reviewer, org_a):
    small = b.batch(count=10)
    b.join(small, org_a, reviewer)
    return small


@pytest.fixture
def served(setting, reviewer, org_a, agency_a):
    """A voucher whose home service was recorded five days ago."""
    voucher = b.issued(setting, reviewer)
    b.backdate(voucher, timezone.localdate() - dt.timedelta(days=30))
    b.redeem(
        voucher,
        agency_a,
        factories.make_worker(org_a),
        on=timezone.localdate() - dt.timedelta(days=5),
    )
    voucher.refresh_from_db()
    return voucher


def _follow(actor, voucher, **extra):
    values = {
        "actor": actor,
        "voucher": voucher,
        "called_on": timezone.localdate(),
        "reached": True,
        "satisfaction": 5,
        "remarks": "",
    }
    return followup_record(**(values | extra))


def _errors(actor, voucher, **extra) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        _follow(actor, voucher, **extra)
    return refused.value.message_dict


def test_a_reached_household_gives_a_satisfaction_from_1_to_5(served, reviewer):
    for score in (1, 3, 5):
        follow_up = _follow(reviewer, served, satisfaction=score, remarks="满意")
        assert follow_up.satisfaction == score and follow_up.recorded_by == reviewer
    assert list(_errors(reviewer, served, satisfaction=None)) == ["satisfaction"]
    for wrong in (0, 6, -1):
        errors = _errors(reviewer, served, satisfaction=wrong)
        assert list(errors) == ["satisfaction"] and "1" in errors["satisfaction"][0]
    assert FollowUp.objects.filter(voucher=served).count() == 3


def test_an_unreached_household_needs_a_remark_and_has_no_score(served, reviewer):
    assert list(_errors(reviewer, served, reached=False, satisfaction=None)) == ["remarks"]
    follow_up = _follow(reviewer, served, reached=False, satisfaction=4, remarks="电话无人接听")
    assert follow_up.satisfaction is None  # a score nobody gave is not kept


def test_no_follow_up_before_the_service(setting, reviewer, served):
    unused = b.issued(setting, reviewer)
    errors = _errors(reviewer, unused)
    assert list(errors) == ["voucher"] and "No service" in errors["voucher"][0]
    # A call dated before the service cannot be about it.
    before = served.service.service_date - dt.timedelta(days=1)
    assert list(_errors(reviewer, served, called_on=before)) == ["called_on"]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert list(_errors(reviewer, served, called_on=tomorrow)) == ["called_on"]
    _follow(reviewer, served, called_on=served.service.service_date)  # the same day is fine
    assert FollowUp.objects.count() == 1


def test_a_follow_up_is_allowed_for_a_verified_voucher_too(served, reviewer):
    voucher_verify(actor=reviewer, voucher=served, passed=True)
    assert _follow(reviewer, served).voucher_id == served.pk


def test_verification_passed_and_failed(setting, reviewer, org_a, agency_a, served):
    verified = voucher_verify(actor=reviewer, voucher=served, passed=True, note=" 属实 ")
    assert verified.status == Voucher.Status.VERIFIED
    assert verified.verified_by == reviewer and verified.verified_at is not None
    assert verified.verification_note == "属实"

    other = b.issued(setting, reviewer)
    b.redeem(other, agency_a, factories.make_worker(org_a))
    with pytest.raises(ValidationError) as refused:
        voucher_verify(actor=reviewer, voucher=other, passed=False, note="")
    assert list(refused.value.message_dict) == ["note"]
    failed = voucher_verify(actor=reviewer, voucher=other, passed=False, note="服务时长与回访不符")
    assert failed.status == Voucher.Status.REJECTED and failed.verified_at is not None


def test_only_a_redeemed_voucher_is_verified_and_only_once(setting, reviewer, served):
    unused = b.issued(setting, reviewer)
    with pytest.raises(ValidationError, match="issued"):
        voucher_verify(actor=reviewer, voucher=unused, passed=True)
    stale = Voucher.objects.get(pk=served.pk)
    voucher_verify(actor=reviewer, voucher=served, passed=True)
    with pytest.raises(ValidationError, match="verified"):
        voucher_verify(actor=reviewer, voucher=stale, passed=False, note="改判")
    served.refresh_from_db()
    assert served.status == Voucher.Status.VERIFIED and served.verification_note == ""
