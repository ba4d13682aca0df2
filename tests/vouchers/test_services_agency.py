"""机构筛选: only an eligible agency can be chosen (registered, not suspended, in the programme,
not failed at its latest inspection), and the choice may change until the voucher is used."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from agencies.models import Agency, AgencyStanding
from tests import factories
from tests.vouchers import core_builders as b
from tests.vouchers.core_builders import english  # noqa: F401 - fixture
from vouchers import selectors
from vouchers.models import Participation, Voucher
from vouchers.services import common as service_common
from vouchers.services.batches import participation_set
from vouchers.services.choice import voucher_choose_agency
from vouchers.services.issue import voucher_void

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def setting(reviewer, org_a):
    small = b.batch(count=10)
    b.join(small, org_a, reviewer)
    return small


@pytest.fixture
def voucher(setting, reviewer):
    return b.issued(setting, reviewer)


def _refusal(voucher, agency) -> str:
    with pytest.raises(ValidationError) as refused:
        voucher_choose_agency(voucher=voucher, agency=agency)
    errors = refused.value.message_dict
    assert list(errors) == ["agency"], errors
    voucher.refresh_from_db()
    assert voucher.agency_id != agency.pk
    return errors["agency"][0]


def _eligible(setting) -> set[int]:
    return set(selectors.eligible_agencies(setting).values_list("pk", flat=True))


def test_the_household_chooses_an_eligible_agency(voucher, org_a, setting):
    chosen = voucher_choose_agency(voucher=voucher, agency=org_a)
    assert chosen.agency == org_a and chosen.agency_chosen_at is not None
    assert Voucher.objects.get(pk=voucher.pk).agency == org_a
    assert _eligible(setting) == {org_a.pk}


def test_a_reviewer_may_choose_for_the_household(voucher, org_a, reviewer):
    chosen = voucher_choose_agency(voucher=voucher, agency=org_a, actor=reviewer)
    assert chosen.agency == org_a


def test_an_agency_outside_the_programme_is_refused(voucher, org_b, setting):
    message = _refusal(voucher, org_b)
    assert org_b.name in message and "does not take part" in message
    assert org_b.pk not in _eligible(setting)


def test_an_agency_whose_participation_ended_is_refused(voucher, org_a, setting, reviewer):
    participation_set(actor=reviewer, batch=setting, agency=org_a, active=False)
    assert "does not take part" in _refusal(voucher, org_a)
    assert _eligible(setting) == set()


def test_a_participation_in_another_batch_does_not_count(voucher, org_b, reviewer):
    b.join(b.batch(), org_b, reviewer)
    assert "does not take part" in _refusal(voucher, org_b)


@pytest.mark.parametrize(
    "status", [Agency.Status.APPLYING, Agency.Status.SUSPENDED, Agency.Status.DEREGISTERED]
)
def test_an_agency_that_is_not_registered_is_refused(voucher, org_a, setting, status):
    Agency.objects.filter(pk=org_a.pk).update(status=status)
    org_a.refresh_from_db()
    message = _refusal(voucher, org_a)
    assert org_a.name in message and org_a.get_status_display() in message
    assert _eligible(setting) == set()


def test_only_a_registered_agency_joins_the_programme(setting, reviewer):
    applying = factories.make_agency("丙家政申请中", status=Agency.Status.APPLYING)
    with pytest.raises(ValidationError) as refused:
        participation_set(actor=reviewer, batch=setting, agency=applying)
    assert list(refused.value.message_dict) == ["agency"]
    assert not Participation.objects.filter(agency=applying).exists()


def test_an_agency_failed_at_its_latest_inspection_is_refused(voucher, org_a, setting):
    year = timezone.localdate().year
    standing = AgencyStanding.objects.create(
        agency=org_a, year=year - 1, inspection=AgencyStanding.Inspection.FAILED
    )
    message = _refusal(voucher, org_a)
    assert f"failed its {year - 1} annual inspection" in message
    assert _eligible(setting) == set()
    # Not inspected yet this year: last year's failure still stands.
    pending = AgencyStanding.objects.create(
        agency=org_a, year=year, inspection=AgencyStanding.Inspection.PENDING
    )
    assert "failed" in _refusal(voucher, org_a)
    assert _eligible(setting) == set()
    # Passed this year: eligible again.
    pending.inspection = AgencyStanding.Inspection.PASSED
    pending.save()
    assert voucher_choose_agency(voucher=voucher, agency=org_a).agency == org_a
    assert _eligible(setting) == {org_a.pk}
    # A failure this year after passing last year counts too.
    standing.inspection = AgencyStanding.Inspection.PASSED
    standing.save()
    pending.inspection = AgencyStanding.Inspection.FAILED
    pending.save()
    assert _eligible(setting) == set()


def test_the_list_of_eligible_agencies_agrees_with_each_agencys_check(setting, reviewer, org_a):
    year = timezone.localdate().year
    others = {
        "ok": factories.make_agency("合格家政"),
        "basic": factories.make_agency("基本合格家政"),
        "failed": factories.make_agency("不合格家政"),
        "suspended": factories.make_agency("暂停家政"),
        "left": factories.make_agency("退出家政"),
        "outside": factories.make_agency("未参与家政"),
    }
    for key, agency in others.items():
        if key != "outside":
            b.join(setting, agency, reviewer)
    AgencyStanding.objects.create(
        agency=others["basic"], year=year, inspection=AgencyStanding.Inspection.BASICALLY_PASSED
    )
    AgencyStanding.objects.create(
        agency=others["failed"], year=year, inspection=AgencyStanding.Inspection.FAILED
    )
    Agency.objects.filter(pk=others["suspended"].pk).update(status=Agency.Status.SUSPENDED)
    participation_set(actor=reviewer, batch=setting, agency=others["left"], active=False)

    listed = _eligible(setting)
    checked = {
        agency.pk
        for agency in Agency.objects.all()
        if selectors.agency_eligibility(setting, agency)[0]
    }

    assert listed == checked == {org_a.pk, others["ok"].pk, others["basic"].pk}


def test_the_choice_may_change_until_the_voucher_is_redeemed(
    voucher, setting, reviewer, org_a, org_b, agency_b
):
    b.join(setting, org_b, reviewer)
    voucher_choose_agency(voucher=voucher, agency=org_a)
    changed = voucher_choose_agency(voucher=voucher, agency=org_b)
    assert changed.agency == org_b
    b.redeem(voucher, agency_b, factories.make_worker(org_b))

    with pytest.raises(ValidationError, match="only be chosen for an unused voucher"):
        voucher_choose_agency(voucher=voucher, agency=org_a)  # stale copy: ISSUED

    voucher.refresh_from_db()
    assert voucher.agency == org_b and voucher.status == Voucher.Status.REDEEMED


def test_no_choice_for_a_voided_or_expired_voucher(voucher, setting, reviewer, org_a, monkeypatch):
    other = b.issued(setting, reviewer)
    voucher_void(actor=reviewer, voucher=other, reason="错发")
    with pytest.raises(ValidationError, match="voided"):
        voucher_choose_agency(voucher=other, agency=org_a)
    monkeypatch.setattr(service_common, "today", lambda: voucher.valid_until + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="expired"):
        voucher_choose_agency(voucher=voucher, agency=org_a)
    assert not Voucher.objects.filter(agency__isnull=False).exists()
