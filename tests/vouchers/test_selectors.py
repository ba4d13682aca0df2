"""Reads: the progress figures equal the records (counted again here in plain Python over the
rows), scoping by role, the resident's status lookup, and constant queries for voucher lists."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kunqu_jiafu.accounts.roles import AGENCY_USER
from tests import factories
from tests.vouchers import core_builders as b
from vouchers import selectors
from vouchers.models import Application, Voucher, VoucherBatch
from vouchers.services.applications import application_decide
from vouchers.services.issue import voucher_issue, voucher_void
from vouchers.services.settlement import settlement_create, settlement_mark_paid
from vouchers.services.verification import voucher_verify

pytestmark = pytest.mark.django_db

USED = {"redeemed", "verified", "rejected", "reimbursed"}
VERIFIED = {"verified", "reimbursed"}
ZERO = Decimal("0.00")


@pytest.fixture
def mixed(reviewer, approver, org_a, org_b, agency_a, agency_b):
    """A batch of 40 with households at every step, spread over groups and streets."""
    small = b.batch(count=40)
    b.join(small, org_a, reviewer)
    b.join(small, org_b, reviewer)
    workers = {org_a.pk: factories.make_worker(org_a), org_b.pk: factories.make_worker(org_b)}
    users = {org_a.pk: agency_a, org_b.pk: agency_b}
    groups = ["unemployed", "hard_to_employ", "unemployed", "hard_to_employ"]
    place = iter(range(1000))

    def where():
        n = next(place)
        return {"group_code": groups[n % 4], "on_street": b.street(n % 3)}

    def served(agency, verify=None):
        voucher = b.issued(small, reviewer, **where())
        b.redeem(voucher, users[agency.pk], workers[agency.pk])
        if verify is not None:
            voucher_verify(actor=reviewer, voucher=voucher, passed=verify, note="核查")
        return voucher

    for _ in range(3):
        b.apply(small, reviewer, **where())  # waiting
    for _ in range(2):
        b.approved(small, reviewer, **where())  # approved, not issued yet
    for _ in range(2):
        application_decide(
            actor=reviewer,
            application=b.apply(small, reviewer, **where()),
            approve=False,
            reason="不符",
        )
    # The model workers' group and the fourth street: applications only, no voucher yet.
    b.apply(small, reviewer, group_code="model_worker", on_street=b.street(3))
    b.approved(small, reviewer, group_code="model_worker", on_street=b.street(3))
    for _ in range(4):
        b.issued(small, reviewer, **where())  # issued, no agency chosen
    voided = [b.issued(small, reviewer, **where()) for _ in range(3)]
    for voucher in voided:
        voucher_void(actor=reviewer, voucher=voucher, reason="作废")
    voucher_issue(actor=reviewer, application=voided[0].application)  # issued again
    for _ in range(2):
        served(org_a)
    served(org_b)
    for _ in range(2):
        served(org_a, verify=False)
    for _ in range(2):
        served(org_b, verify=True)  # verified, unsettled
    for _ in range(3):
        served(org_a, verify=True)
    today = timezone.localdate()
    paid = settlement_create(actor=reviewer, batch=small, agency=org_a, month=today)
    settlement_mark_paid(actor=approver, settlement=paid, paid_on=today)
    served(org_a, verify=True)  # verified after the payment: not reimbursed
    return small


def _expected_rows(vouchers: list[Voucher], applications: list[Application], key) -> dict:
    rows: dict = defaultdict(
        lambda: {
            "applications": 0,
            "issued": 0,
            "issued_amount": ZERO,
            "redeemed": 0,
            "verified": 0,
            "reimbursed": 0,
            "reimbursed_amount": ZERO,
        }
    )
    for application in applications:
        if application.status != "rejected":
            row = rows[key(application)]
            row["applications"] += 1
            row["name"] = key(application, name=True)
    for voucher in vouchers:
        row = rows[key(voucher.application)]
        row["name"] = key(voucher.application, name=True)
        if voucher.status != "voided":
            row["issued"] += 1
            row["issued_amount"] += voucher.face_value
        row["redeemed"] += voucher.status in USED
        row["verified"] += voucher.status in VERIFIED
        if voucher.status == "reimbursed":
            row["reimbursed"] += 1
            row["reimbursed_amount"] += voucher.face_value
    return dict(rows)


def _by_group(application, name=False):
    return application.target_group.name if name else application.target_group_id


def _by_street(application, name=False):
    return application.street.name if name else application.street_id


def test_progress_figures_equal_the_records(mixed):
    figures = selectors.progress(mixed)
    vouchers = list(Voucher.objects.filter(batch=mixed).select_related("application"))
    applications = list(
        Application.objects.filter(batch=mixed).select_related("target_group", "street")
    )
    for voucher in vouchers:
        voucher.application = next(a for a in applications if a.pk == voucher.application_id)
    live = [v for v in vouchers if v.status != "voided"]

    def amount(rows):
        return sum((v.face_value for v in rows), ZERO)

    expected = {
        "count": 40,
        "total": Decimal("8000.00"),
        "issued": len(live),
        "issued_amount": amount(live),
        "redeemed": sum(v.status in USED for v in vouchers),
        "redeemed_amount": amount(v for v in vouchers if v.status in USED),
        "verified": sum(v.status in VERIFIED for v in vouchers),
        "verified_amount": amount(v for v in vouchers if v.status in VERIFIED),
        "reimbursed": sum(v.status == "reimbursed" for v in vouchers),
        "reimbursed_amount": amount(v for v in vouchers if v.status == "reimbursed"),
        "voided": sum(v.status == "voided" for v in vouchers),
        "remaining": 40 - len(live),
        "remaining_amount": Decimal("8000.00") - amount(live),
    }
    got = {key: figures[key] for key in expected}
    assert got == expected
    # The data set reaches every figure (a zero would prove nothing).
    assert got["issued"] == 16 and got["redeemed"] == 11 and got["verified"] == 6
    assert got["reimbursed"] == 3 and got["voided"] == 3 and got["remaining"] == 24
    assert (
        figures["applications"]
        == {
            "total": sum(a.status != "rejected" for a in applications),
            "waiting": sum(a.status == "submitted" for a in applications),
            "approved": sum(a.status == "approved" for a in applications),
            "rejected": sum(a.status == "rejected" for a in applications),
        }
        == {"total": 25, "waiting": 4, "approved": 5, "rejected": 2}
    )
    assert figures["percent"] == {
        "issued": 40.0,
        "redeemed": 27.5,
        "verified": 15.0,
        "reimbursed": 7.5,
        "issued_amount": 40.0,
        "reimbursed_amount": 7.5,
    }
    mixed.refresh_from_db()
    assert (mixed.issued_count, mixed.issued_amount) == (
        figures["issued"],
        figures["issued_amount"],
    )

    for name, key in (("by_group", _by_group), ("by_street", _by_street)):
        want = _expected_rows(vouchers, applications, key)
        rows = {row.pop("id"): row for row in figures[name]}
        assert rows == want, name
        for field in ("issued", "redeemed", "verified", "reimbursed"):
            assert sum(row[field] for row in rows.values()) == figures[field], (name, field)
        assert sum(row["applications"] for row in rows.values()) == figures["applications"]["total"]
    assert b.group("model_worker").pk in {
        row["id"] for row in selectors.progress(mixed)["by_group"]
    }


def test_progress_of_an_empty_batch_is_all_zero():
    empty = b.batch(count=5)
    figures = selectors.progress(empty)
    assert (figures["issued"], figures["issued_amount"], figures["remaining"]) == (0, ZERO, 5)
    assert figures["remaining_amount"] == Decimal("1000.00")
    assert figures["by_group"] == [] and figures["by_street"] == []
    assert figures["percent"]["issued"] == 0.0


def test_progress_defaults_to_the_current_batch():
    seeded = VoucherBatch.objects.get(year=2026, name="促进就业券")
    b.batch(count=5, status=VoucherBatch.Status.DRAFT, year=seeded.year)
    assert selectors.current_batch() == seeded  # the only open batch
    assert selectors.progress()["batch"] == seeded
    assert selectors.current_batch(seeded.applications_open_on) == seeded
    assert selectors.open_batch_for_applications(seeded.applications_open_on) == seeded
    after = seeded.applications_close_on + dt.timedelta(days=1)
    assert selectors.open_batch_for_applications(after) is None
    VoucherBatch.objects.filter(pk=seeded.pk).update(status=VoucherBatch.Status.CLOSED)
    assert selectors.open_batch_for_applications(seeded.applications_open_on) is None


# --- scoping -----------------------------------------------------------------------------------------


def test_vouchers_are_scoped_by_role(
    mixed, reviewer, approver, official, agency_a, agency_b, anonymous
):
    everything = set(Voucher.objects.values_list("pk", flat=True))
    for user in (reviewer, approver, official):
        assert set(selectors.vouchers_for_user(user).values_list("pk", flat=True)) == everything
    for user in (agency_a, agency_b):
        agency = selectors.agency_of_user(user)
        mine = set(Voucher.objects.filter(agency=agency).values_list("pk", flat=True))
        assert mine and set(selectors.vouchers_for_user(user).values_list("pk", flat=True)) == mine
    assert not selectors.vouchers_for_user(anonymous).exists()
    loose = factories.make_user("loose", AGENCY_USER)
    assert not selectors.vouchers_for_user(loose).exists()


def test_applications_and_settlements_are_scoped_by_role(
    mixed, reviewer, official, agency_a, agency_b, anonymous, org_a
):
    assert selectors.applications_for_user(official).count() == Application.objects.count()
    for user in (agency_a, anonymous):
        assert not selectors.applications_for_user(user).exists()
    assert selectors.settlements_for_user(reviewer).count() == 1
    assert selectors.settlements_for_user(agency_a).get().agency == org_a
    assert not selectors.settlements_for_user(agency_b).exists()
    assert not selectors.settlements_for_user(anonymous).exists()


def test_the_status_lookup_needs_both_the_number_and_the_id_number(reviewer):
    small = b.batch()
    number = b.household_id()
    application = b.apply(small, reviewer, id_number=number)
    other = b.apply(small, reviewer)

    assert selectors.application_lookup(application.number, number) == application
    assert selectors.application_lookup(f" {application.number.lower()} ", f" {number} ") == (
        application
    )
    assert selectors.application_lookup(other.number, number) is None
    assert selectors.application_lookup(application.number, b.household_id()) is None
    assert selectors.application_lookup("", number) is None
    assert selectors.application_lookup(application.number, "") is None


# --- constant queries ------------------------------------------------------------------------------


def _render_rows(user) -> int:
    """Touch what a voucher list shows, row by row; return the number of queries."""
    with CaptureQueriesContext(connection) as queries:
        for voucher in selectors.vouchers_for_user(user)[:50]:
            service = getattr(voucher, "service", None)
            (
                voucher.display_code,
                voucher.get_status_display(),
                str(voucher.batch),
                voucher.person.id_masked,
                voucher.person.name,
                voucher.agency.name if voucher.agency else "",
                voucher.application.number,
                voucher.application.street.name,
                voucher.application.target_group.name,
                service.worker.person.name if service else "",
                service.kind.name if service else "",
                voucher.settlement.number if voucher.settlement else "",
            )
    return len(queries)


def test_voucher_lists_cost_the_same_queries_at_any_size(reviewer, org_a, agency_a):
    small = b.batch(count=60)
    b.join(small, org_a, reviewer)
    worker = factories.make_worker(org_a)

    def grow(n: int) -> None:
        for _ in range(n):
            voucher = b.issued(small, reviewer)
            b.redeem(voucher, agency_a, worker)
            voucher_verify(actor=reviewer, voucher=voucher, passed=True)

    grow(2)
    small_counts = (_render_rows(reviewer), _render_rows(agency_a))
    grow(28)
    settlement_create(actor=reviewer, batch=small, agency=org_a, month=timezone.localdate())
    for _ in range(5):
        b.issued(small, reviewer)  # unused: no service, no agency
    assert (_render_rows(reviewer), _render_rows(agency_a)) == small_counts
