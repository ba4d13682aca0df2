"""结算台账: the voucher settlement ledger's figures equal sums over the vouchers and statements,
each exception kind is listed and a clean voucher is not, a voucher cannot be settled twice
(the schema holds it), the query count does not grow, and the 资金台账 page and XLSX show it."""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from tests import factories
from tests.vouchers import core_builders as vb
from vouchers import ledger, selectors
from vouchers.models import Service, Settlement, Voucher
from vouchers.services.revocation import voucher_revoke_after_check
from vouchers.services.settlement import settlement_create, settlement_mark_paid
from vouchers.services.verification import voucher_verify

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
MONTH = TODAY.replace(day=1)


@pytest.fixture
def setting(org_a, reviewer):
    batch = vb.batch(count=30)
    vb.join(batch, org_a, reviewer)
    return batch


def _vouchers(batch, n, seed, agency_user, org, reviewer) -> list[Voucher]:
    """n vouchers taken by the services to a seeded random step: issued, redeemed or verified."""
    rng = random.Random(seed)
    worker = factories.make_worker(org)
    out = []
    for _ in range(n):
        voucher = vb.issued(batch, reviewer)
        step = rng.choice(("issued", "redeemed", "verified", "verified"))
        if step != "issued":
            vb.redeem(voucher, agency_user, worker)
        if step == "verified":
            voucher_verify(actor=reviewer, voucher=voucher, passed=True, note="核查")
        out.append(voucher)
    return out


def _row(batch) -> dict:
    return selectors.settlement_ledger(batch=batch)["batches"][0]


def _face(qs) -> Decimal:
    return sum((v.face_value for v in qs), Decimal("0.00"))


@pytest.mark.parametrize("seed", [3, 11])
def test_every_figure_equals_the_sum_over_the_vouchers(
    seed, setting, org_a, agency_a, reviewer, approver
):
    _vouchers(setting, 8, seed, agency_a, org_a, reviewer)
    if Voucher.objects.filter(batch=setting, status="verified").exists():
        statement = settlement_create(actor=reviewer, batch=setting, agency=org_a, month=MONTH)
        if seed == 3:
            settlement_mark_paid(actor=approver, settlement=statement, paid_on=TODAY)
    row = _row(setting)
    vouchers = list(Voucher.objects.filter(batch=setting).select_related("settlement"))
    issued = [v for v in vouchers if v.status != "voided"]
    redeemed = [v for v in vouchers if v.status not in ("issued", "voided")]
    settled = [v for v in vouchers if v.settlement_id]
    reimbursed = [v for v in settled if v.settlement.status == Settlement.Status.PAID]
    assert (row["issued"], row["issued_amount"]) == (len(issued), _face(issued))
    assert (row["redeemed"], row["redeemed_amount"]) == (len(redeemed), _face(redeemed))
    assert (row["settled"], row["settled_amount"]) == (len(settled), _face(settled))
    assert (row["reimbursed"], row["reimbursed_amount"]) == (len(reimbursed), _face(reimbursed))
    statements = Settlement.objects.filter(batch=setting)
    assert row["statements"] == statements.count()
    assert row["statement_amount"] == sum((s.amount for s in statements), Decimal("0.00"))
    assert (row["count"], row["total"]) == (setting.count, setting.total)
    assert row["remaining"] == setting.count - len(issued)
    assert row["reconciles"], row["problems"]


def test_each_exception_kind_is_listed_and_a_clean_voucher_is_not(
    setting, org_a, agency_a, reviewer, approver, settings
):
    settings.VOUCHER_UNREIMBURSED_DAYS = 60
    worker = factories.make_worker(org_a)
    late, fresh, revoked = (vb.issued(setting, reviewer) for _ in range(3))
    for voucher in (late, fresh, revoked):
        vb.redeem(voucher, agency_a, worker)
    Service.objects.filter(voucher=late).update(redeemed_at=timezone.now() - dt.timedelta(days=61))
    voucher_verify(actor=reviewer, voucher=revoked, passed=True, note="核查")
    statement = settlement_create(actor=reviewer, batch=setting, agency=org_a, month=MONTH)
    settlement_mark_paid(actor=approver, settlement=statement, paid_on=TODAY)
    voucher_revoke_after_check(actor=reviewer, voucher=revoked, reason="抽查不实")

    found = selectors.settlement_ledger(batch=setting)["exceptions"]
    by_record = {(e["kind"], e["record"]) for e in found}
    assert by_record == {
        (ledger.UNREIMBURSED, late.display_code),
        (ledger.RECOVERY_OUTSTANDING, revoked.display_code),
    }
    assert not any(e["record"] == fresh.display_code for e in found)
    late_row = next(e for e in found if e["kind"] == ledger.UNREIMBURSED)
    assert late_row["amount"] == late.face_value and late_row["agency"] == org_a.name
    assert late_row["url"] == reverse("admin:vouchers_voucher_change", args=[late.pk])
    # A statement whose recorded figures no longer match its vouchers, beyond the batch's value.
    Settlement.objects.filter(pk=statement.pk).update(voucher_count=9, amount=setting.total + 1)
    result = selectors.settlement_ledger(batch=setting)
    kinds = {e["kind"] for e in result["exceptions"]}
    assert {ledger.STATEMENT_MISMATCH, ledger.OVER_BATCH} <= kinds
    assert not result["reconciles"]


def test_a_voucher_cannot_be_settled_twice(setting, org_a, agency_a, reviewer):
    voucher = vb.issued(setting, reviewer)
    vb.redeem(voucher, agency_a, factories.make_worker(org_a))
    voucher_verify(actor=reviewer, voucher=voucher, passed=True, note="核查")
    settlement_create(actor=reviewer, batch=setting, agency=org_a, month=MONTH)
    # One column names the statement; a settled voucher is never offered again.
    assert Voucher._meta.get_field("settlement").many_to_one
    assert not selectors.settleable_vouchers(setting, org_a, MONTH).exists()
    with pytest.raises(ValidationError):
        settlement_create(actor=reviewer, batch=setting, agency=org_a, month=MONTH)
    # The home service that redeems it is one-to-one with the voucher.
    service = Service.objects.get(voucher=voucher)
    with pytest.raises(IntegrityError), transaction.atomic():
        Service.objects.create(
            voucher=voucher,
            agency=org_a,
            service_date=TODAY,
            kind=service.kind,
            worker=service.worker,
            hours=Decimal("1"),
            redeemed_at=timezone.now(),
            redeemed_by=service.redeemed_by,
        )
    # And the ledger's definitions say so.
    with translation.override("en"):
        assert "Settled twice" in [str(term) for term, _text in ledger.DEFINITIONS]


def test_the_query_count_does_not_grow_with_the_vouchers(setting, org_a, agency_a, reviewer):
    _vouchers(setting, 2, 1, agency_a, org_a, reviewer)
    year = setting.year

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            selectors.settlement_ledger(year)
        return len(captured.captured_queries)

    small = count()
    _vouchers(setting, 10, 2, agency_a, org_a, reviewer)
    assert count() == small == 5


def test_the_ledger_page_and_xlsx_show_the_voucher_settlements(
    setting, org_a, agency_a, reviewer, official, client_for
):
    _vouchers(setting, 4, 5, agency_a, org_a, reviewer)
    row = _row(setting)
    url = reverse("admin:subsidies_fund_ledger") + f"?year={setting.year}"
    page = client_for(official).get(url).content.decode()
    assert setting.name in page and 'data-testid="ledger-vouchers"' in page
    download = client_for(official).get(
        reverse("admin:subsidies_fund_ledger_xlsx") + f"?year={setting.year}"
    )
    sheet = load_workbook(io.BytesIO(download.content))["就业券结算"]
    line = next(r for r in sheet.iter_rows(values_only=True) if r[0] == row["label"])
    assert line[3] == row["issued"] and Decimal(str(line[4])) == row["issued_amount"]
    assert line[5] == row["redeemed"]
