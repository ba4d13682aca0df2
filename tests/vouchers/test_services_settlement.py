"""Monthly settlement: a statement holds exactly the agency's verified, unsettled vouchers served
up to the month's end, its sums equal those vouchers, numbers run without gaps, and payment is
recorded once by an approver other than the author, which closes the vouchers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.utils import timezone

from kunqu_jiafu.accounts.roles import APPROVER
from kunqu_jiafu.documents.numbering import format_notice_number
from tests import factories
from tests.vouchers import core_builders as b
from tests.vouchers.core_builders import english  # noqa: F401 - fixture
from vouchers import selectors
from vouchers.models import Settlement, Voucher
from vouchers.services.settlement import settlement_create, settlement_mark_paid
from vouchers.services.verification import voucher_verify

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

V = Voucher.Status


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


THIS_MONTH = _month(timezone.localdate())
LAST_MONTH = _month(THIS_MONTH - dt.timedelta(days=1))
MONTH_BEFORE = _month(LAST_MONTH - dt.timedelta(days=1))


@pytest.fixture
def setting(reviewer, org_a, org_b):
    small = b.batch(count=50)
    b.join(small, org_a, reviewer)
    b.join(small, org_b, reviewer)
    return small


@pytest.fixture
def serve(setting, reviewer):
    """serve(agency_user, on=date, verify=True|False|None) → a voucher served on that date."""
    workers = {}

    def _serve(agency_user, on: dt.date, verify: bool | None = True) -> Voucher:
        agency = selectors.agency_of_user(agency_user)
        worker = workers.setdefault(agency.pk, factories.make_worker(agency))
        voucher = b.issued(setting, reviewer)
        b.backdate(voucher, MONTH_BEFORE)
        b.redeem(voucher, agency_user, worker, on=on)
        if verify is not None:
            voucher_verify(actor=reviewer, voucher=voucher, passed=verify, note="核查")
        voucher.refresh_from_db()
        return voucher

    return _serve


def _settle(actor, setting, agency, month) -> Settlement:
    return settlement_create(actor=actor, batch=setting, agency=agency, month=month)


def _month_error(actor, setting, agency, month) -> str:
    with pytest.raises(ValidationError) as refused:
        _settle(actor, setting, agency, month)
    assert list(refused.value.message_dict) == ["month"]
    return refused.value.message_dict["month"][0]


def test_a_statement_holds_exactly_the_verified_unsettled_vouchers_and_their_sum(
    setting, serve, reviewer, org_a, agency_a, agency_b
):
    mid_last = LAST_MONTH + dt.timedelta(days=9)
    wanted = [serve(agency_a, MONTH_BEFORE + dt.timedelta(days=3)), serve(agency_a, mid_last)]
    wanted.append(serve(agency_a, LAST_MONTH))  # the first day counts
    not_verified = serve(agency_a, mid_last, verify=None)
    failed = serve(agency_a, mid_last, verify=False)
    other_agency = serve(agency_b, mid_last)
    candidates = {
        row["agency_id"]: row for row in selectors.settlement_candidates(setting, LAST_MONTH)
    }
    this_month = serve(agency_a, timezone.localdate()) if THIS_MONTH != LAST_MONTH else None

    statement = _settle(reviewer, setting, org_a, LAST_MONTH)

    listed = list(statement.vouchers.all())
    assert {v.pk for v in listed} == {v.pk for v in wanted}
    assert list(selectors.settlement_lines(statement)) == sorted(
        listed, key=lambda v: (v.service.service_date, v.pk)
    )
    assert statement.voucher_count == len(listed) == 3
    assert statement.amount == sum(v.face_value for v in listed) == Decimal("600.00")
    assert statement.amount == statement.vouchers.aggregate(s=Sum("face_value"))["s"]
    assert (candidates[org_a.pk]["vouchers"], candidates[org_a.pk]["amount"]) == (
        statement.voucher_count,
        statement.amount,
    )
    assert statement.month == LAST_MONTH and statement.agency == org_a
    assert statement.status == Settlement.Status.ISSUED and statement.created_by == reviewer
    for left_out in (not_verified, failed, other_agency, this_month):
        if left_out is not None:
            left_out.refresh_from_db()
            assert left_out.settlement_id is None, left_out
    # Settled vouchers are still "verified" (not yet paid) for the progress figures.
    assert all(v.status == V.VERIFIED for v in statement.vouchers.all())


def test_a_month_given_by_any_day_is_settled_as_that_month(
    setting, serve, reviewer, org_a, agency_a
):
    serve(agency_a, LAST_MONTH + dt.timedelta(days=2))
    statement = _settle(reviewer, setting, org_a, LAST_MONTH + dt.timedelta(days=17))
    assert statement.month == LAST_MONTH


def test_a_voucher_verified_late_goes_into_the_next_statement(
    setting, serve, reviewer, org_a, agency_a
):
    on_time = serve(agency_a, LAST_MONTH + dt.timedelta(days=5))
    late = serve(agency_a, LAST_MONTH + dt.timedelta(days=6), verify=None)
    first = _settle(reviewer, setting, org_a, LAST_MONTH)
    assert list(first.vouchers.all()) == [on_time]

    voucher_verify(actor=reviewer, voucher=late, passed=True)
    message = _month_error(reviewer, setting, org_a, LAST_MONTH)
    assert "already has a statement" in message and f"{LAST_MONTH:%Y-%m}" in message
    fresh = serve(agency_a, timezone.localdate())
    second = _settle(reviewer, setting, org_a, THIS_MONTH)

    assert {v.pk for v in second.vouchers.all()} == {late.pk, fresh.pk}
    assert (second.voucher_count, second.amount) == (2, Decimal("400.00"))
    first.refresh_from_db()
    assert (first.voucher_count, first.amount) == (1, Decimal("200.00"))
    assert list(first.vouchers.all()) == [on_time]


def test_one_statement_per_agency_and_month_none_empty_none_in_the_future(
    setting, serve, reviewer, org_a, org_b, agency_a
):
    message = _month_error(reviewer, setting, org_a, LAST_MONTH)
    assert "no verified, unsettled vouchers" in message and org_a.name in message
    serve(agency_a, LAST_MONTH + dt.timedelta(days=1))
    _settle(reviewer, setting, org_a, LAST_MONTH)
    assert "no verified, unsettled vouchers" in _month_error(reviewer, setting, org_a, LAST_MONTH)
    next_month = _month(THIS_MONTH + dt.timedelta(days=32))
    assert "has not begun" in _month_error(reviewer, setting, org_a, next_month)
    assert "no verified" in _month_error(reviewer, setting, org_b, LAST_MONTH)
    assert Settlement.objects.count() == 1


def test_statement_numbers_run_without_gaps(
    setting, serve, reviewer, org_a, org_b, agency_a, agency_b
):
    serve(agency_a, LAST_MONTH + dt.timedelta(days=1))
    serve(agency_b, LAST_MONTH + dt.timedelta(days=2))
    made = [_settle(reviewer, setting, org_a, LAST_MONTH)]
    _month_error(reviewer, setting, org_a, LAST_MONTH)  # refused: takes no number
    _month_error(reviewer, setting, org_b, MONTH_BEFORE)
    made.append(_settle(reviewer, setting, org_b, LAST_MONTH))
    serve(agency_a, timezone.localdate())
    made.append(_settle(reviewer, setting, org_a, THIS_MONTH))

    per_year: dict[int, int] = {}
    expected = []
    for statement in made:
        per_year[statement.month.year] = per_year.get(statement.month.year, 0) + 1
        expected.append(
            format_notice_number(
                "昆人社家券结", statement.month.year, per_year[statement.month.year]
            )
        )
    assert [s.number for s in made] == expected
    assert made[0].number.endswith("0001号")


# --- payment ---------------------------------------------------------------------------------------


@pytest.fixture
def approver2(db):
    return factories.make_user("approver2", APPROVER, full_name="李领导")


def test_payment_is_recorded_by_an_approver_who_did_not_draw_it_up(
    setting, serve, approver, approver2, reviewer, org_a, agency_a
):
    served = [serve(agency_a, LAST_MONTH + dt.timedelta(days=n)) for n in (1, 2)]
    statement = _settle(approver, setting, org_a, LAST_MONTH)
    today = timezone.localdate()

    with pytest.raises(PermissionDenied, match="different approver"):
        settlement_mark_paid(actor=approver, settlement=statement, paid_on=today)
    with pytest.raises(PermissionDenied, match="Only an approver"):
        settlement_mark_paid(actor=reviewer, settlement=statement, paid_on=today)
    statement.refresh_from_db()
    assert statement.status == Settlement.Status.ISSUED

    paid = settlement_mark_paid(
        actor=approver2, settlement=statement, paid_on=today, reference=" 财付2026-118 "
    )

    assert paid.status == Settlement.Status.PAID and paid.paid_on == today
    assert paid.paid_by == approver2 and paid.payment_reference == "财付2026-118"
    for voucher in served:
        voucher.refresh_from_db()
        assert voucher.status == V.REIMBURSED and voucher.settlement_id == paid.pk
    figures = selectors.progress(setting)
    assert (figures["reimbursed"], figures["reimbursed_amount"]) == (2, Decimal("400.00"))


def test_a_statement_is_paid_once(setting, serve, reviewer, approver, org_a, agency_a):
    serve(agency_a, LAST_MONTH + dt.timedelta(days=1))
    statement = _settle(reviewer, setting, org_a, LAST_MONTH)
    today = timezone.localdate()
    settlement_mark_paid(actor=approver, settlement=statement, paid_on=today)

    with pytest.raises(ValidationError, match="already paid"):
        settlement_mark_paid(actor=approver, settlement=statement, paid_on=today)

    statement.refresh_from_db()
    assert statement.paid_on == today
    assert Voucher.objects.filter(status=V.REIMBURSED).count() == 1


def test_the_payment_date_is_neither_in_the_future_nor_before_the_statement(
    setting, serve, reviewer, approver, org_a, agency_a
):
    serve(agency_a, LAST_MONTH + dt.timedelta(days=1))
    statement = _settle(reviewer, setting, org_a, LAST_MONTH)
    for day in (timezone.localdate() + dt.timedelta(days=1), LAST_MONTH):
        with pytest.raises(ValidationError) as refused:
            settlement_mark_paid(actor=approver, settlement=statement, paid_on=day)
        assert list(refused.value.message_dict) == ["paid_on"], day
    assert not Voucher.objects.filter(status=V.REIMBURSED).exists()
