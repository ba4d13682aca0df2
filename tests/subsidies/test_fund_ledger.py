"""资金台账: the fund ledger's figures equal sums over the claims, every kind of exception is
listed and a clean claim is not, the query count does not grow with the data, only bureau
staff and officials see the page, and the XLSX holds the page's figures."""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from subsidies import ledger, selectors
from subsidies.models import Claim, ClaimType, Notice, SpecialFund
from tests import factories
from tests.subsidies import core_builders as b

pytestmark = pytest.mark.django_db

YEAR = 2026
CODES = ("loan_interest", "training_subsidy", "health_check")
_sequence = iter(range(1, 100000))


def _claim(agency, code: str, state: str, amount: Decimal, *, fund=None, **extra) -> Claim:
    """A claim row in ``state``, written directly: the ledger only reads, and the services'
    own tests cover how claims get there. States: draft, submitted, rejected, approved, paid,
    revoked_unpaid, revoked_paid."""
    with_notice = extra.pop("notice", True)
    now = timezone.now()
    status = state.split("_")[0]
    approved = state in ("approved", "paid", "revoked_unpaid", "revoked_paid")
    paid = state in ("paid", "revoked_paid")
    fields = {
        "agency": agency,
        "claim_type": b.claim_type(code),
        "period": f"P{next(_sequence)}",
        "status": status,
        "eligible_amount": amount,
        "approved_amount": amount if approved else None,
        "decided_at": now if approved else None,
        "fund": fund if approved else None,
        "paid_on": timezone.localdate() if paid else None,
        "bank_reference": "BOC-0001" if paid else "",
        "recovery_amount": amount if state == "revoked_paid" else None,
    }
    fields.update(extra)
    claim = Claim.objects.create(**fields)
    if approved and with_notice:
        _notice(claim)
    return claim


def _notice(claim: Claim) -> Notice:
    n = next(_sequence)
    return Notice.objects.create(
        claim=claim,
        kind=Notice.Kind.APPROVAL,
        year=YEAR,
        sequence=n,
        number=f"测试〔{YEAR}〕{n}号",
        amount=claim.approved_amount,
        issued_on=timezone.localdate(),
    )


def _fund(amount="5000000.00", committed="0.00", claim_type=None) -> SpecialFund:
    return SpecialFund.objects.create(
        year=YEAR, amount=Decimal(amount), committed=Decimal(committed), claim_type=claim_type
    )


STATES = ("draft", "submitted", "rejected", "approved", "paid", "revoked_unpaid", "revoked_paid")


def _random_claims(n: int, seed: int, fund: SpecialFund) -> list[Claim]:
    rng = random.Random(seed)
    agencies = [factories.make_agency(f"随机家政{seed}-{i}有限公司") for i in range(3)]
    claims = []
    for _ in range(n):
        amount = Decimal(rng.randint(100, 900000)) / 100
        claims.append(
            _claim(rng.choice(agencies), rng.choice(CODES), rng.choice(STATES), amount, fund=fund)
        )
    drawn = sum(
        (
            c.approved_amount
            for c in claims
            if c.status in ("approved", "paid") or (c.status == "revoked" and c.paid_on)
        ),
        Decimal("0.00"),
    )
    SpecialFund.objects.filter(pk=fund.pk).update(committed=drawn)
    return claims


def _sum(claims, keep, field="approved_amount") -> Decimal:
    return sum((getattr(c, field) for c in claims if keep(c)), Decimal("0.00"))


@pytest.mark.parametrize("seed", [7, 2026])
def test_every_figure_equals_the_sum_over_the_claims(seed):
    fund = _fund()
    claims = _random_claims(60, seed, fund)
    result = selectors.fund_ledger(YEAR)
    rows = {row["code"]: row for row in result["types"]}
    for code in CODES:
        mine = [c for c in claims if c.claim_type.code == code]
        row = rows[code]
        approved = [c for c in mine if c.status in ("approved", "paid", "revoked")]
        paid = [c for c in mine if c.paid_on]
        revoked = [c for c in mine if c.status == "revoked"]
        assert row["approved"] == len(approved)
        assert row["approved_amount"] == _sum(approved, lambda c: True)
        assert row["paid"] == len(paid)
        assert row["paid_amount"] == _sum(paid, lambda c: True)
        assert row["revoked"] == len(revoked)
        assert row["revoked_amount"] == _sum(revoked, lambda c: True)
        assert row["awaiting_amount"] == _sum(mine, lambda c: c.status == "approved")
        assert row["recovery_due"] == _sum(mine, lambda c: c.recovery_amount, "recovery_amount")
        assert row["recovery_outstanding"] == row["recovery_due"]
        assert row["reconciles"], row["problems"]
    general = result["funds"][0]
    assert general["drawn"] == general["committed"] == sum(r["drawn_amount"] for r in rows.values())
    assert general["remaining"] == fund.amount - general["committed"]
    assert result["reconciles"]
    assert result["totals"]["paid_amount"] == _sum(claims, lambda c: c.paid_on)


def _kinds(rows, claim) -> set[str]:
    return {r["kind"] for r in rows if r["claim_id"] == claim.pk}


def test_each_exception_kind_is_listed_and_a_clean_claim_is_not(org_a, settings):
    settings.SUBSIDY_UNPAID_DAYS = 30
    fund = _fund()
    long_ago = timezone.now() - dt.timedelta(days=31)
    late = _claim(
        org_a, "loan_interest", "approved", Decimal("100"), fund=fund, decided_at=long_ago
    )
    recent = _claim(org_a, "loan_interest", "approved", Decimal("200"), fund=fund)
    clean = _claim(org_a, "loan_interest", "paid", Decimal("300"), fund=fund)
    no_notice = _claim(org_a, "training_subsidy", "paid", Decimal("400"), fund=fund, notice=False)
    recovery = _claim(org_a, "health_check", "revoked_paid", Decimal("500"), fund=fund)
    no_reference = _claim(org_a, "health_check", "revoked_paid", Decimal("600"), fund=fund)
    Claim.objects.filter(pk=no_reference.pk).update(bank_reference="")
    SpecialFund.objects.filter(pk=fund.pk).update(committed=Decimal("2100.00"))

    rows = selectors.fund_exceptions(YEAR)
    assert _kinds(rows, late) == {ledger.UNPAID}
    assert _kinds(rows, recent) == set()
    assert _kinds(rows, clean) == set()
    assert _kinds(rows, no_notice) == {ledger.NO_NOTICE}
    assert _kinds(rows, recovery) == {ledger.RECOVERY_OUTSTANDING}
    assert _kinds(rows, no_reference) == {ledger.NO_REFERENCE, ledger.RECOVERY_OUTSTANDING}
    late_row = next(r for r in rows if r["claim_id"] == late.pk)
    assert late_row["amount"] == Decimal("100")
    assert late_row["agency"] == org_a.name
    assert late_row["url"] == reverse("admin:subsidies_claim_change", args=[late.pk])
    assert late_row["label"]
    assert not any(r["kind"] == ledger.FUND_MISMATCH for r in rows)
    # Fewer days: the recent approval is late too.
    assert _kinds(selectors.fund_exceptions(YEAR, unpaid_days=0), recent) == {ledger.UNPAID}


def test_a_fund_whose_recorded_total_differs_from_its_claims_does_not_reconcile(org_a):
    fund = _fund(committed="999.00")
    _claim(org_a, "loan_interest", "approved", Decimal("100"), fund=fund)
    result = selectors.fund_ledger(YEAR)
    assert not result["funds"][0]["reconciles"]
    assert not result["reconciles"]
    mismatch = [r for r in selectors.fund_exceptions(YEAR) if r["kind"] == ledger.FUND_MISMATCH]
    assert len(mismatch) == 1 and mismatch[0]["amount"] == Decimal("899.00")


def test_a_type_fund_is_shown_on_its_type_and_reconciles_with_its_claims(org_a):
    kind = ClaimType.objects.get(code="health_check", policy_year=YEAR)
    general = _fund()
    own = _fund("1000.00", "250.00", claim_type=kind)
    _claim(org_a, "health_check", "approved", Decimal("250"), fund=general)
    SpecialFund.objects.filter(pk=general.pk).update(committed=Decimal("250.00"))
    result = selectors.fund_ledger(YEAR)
    row = next(r for r in result["types"] if r["code"] == "health_check")
    assert row["fund"]["pk"] == own.pk and row["fund"]["remaining"] == Decimal("750.00")
    assert result["reconciles"]


def test_claims_moved_by_the_services_reconcile(agency_a, org_a, reviewer, approver):
    b.fund(approver, "2000000.00")
    paid = b.paid(agency_a, org_a, reviewer, approver)
    b.move(reviewer, paid, "revoke", reason="抽查不实")
    result = selectors.fund_ledger(YEAR)
    assert result["reconciles"], [r["problems"] for r in result["types"] + result["funds"]]
    row = next(r for r in result["types"] if r["code"] == "loan_interest")
    assert row["revoked"] == row["paid"] == row["approved"] == 1
    assert row["recovery_outstanding"] == paid.approved_amount
    kinds = {r["kind"] for r in selectors.fund_exceptions(YEAR)}
    assert kinds == {ledger.RECOVERY_OUTSTANDING}


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def test_the_query_count_does_not_grow_with_the_claims():
    fund = _fund()
    _random_claims(5, 1, fund)

    def both():
        selectors.fund_exceptions(YEAR, ledger=selectors.fund_ledger(YEAR))

    small = _queries(both)
    _random_claims(60, 2, fund)
    assert _queries(both) == small == 3


def test_agency_users_cannot_open_the_ledger_and_staff_can(
    client_for, agency_a, official, reviewer
):
    url = reverse("admin:subsidies_fund_ledger")
    response = client_for(agency_a).get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client_for(agency_a).get(url + "xlsx/").status_code == 302
    for user in (official, reviewer):
        assert client_for(user).get(url).status_code == 200


def test_the_page_and_the_xlsx_show_the_same_figures(client_for, official):
    fund = _fund()
    _random_claims(20, 5, fund)
    result = selectors.fund_ledger(YEAR)
    page = client_for(official).get(reverse("admin:subsidies_fund_ledger") + f"?year={YEAR}")
    text = page.content.decode()
    assert "资金台账" in text
    assert f"{result['totals']['paid_amount']:,.2f}" in text
    download = client_for(official).get(
        reverse("admin:subsidies_fund_ledger_xlsx") + f"?year={YEAR}"
    )
    assert download.status_code == 200
    book = load_workbook(io.BytesIO(download.content))
    assert book.sheetnames[-1] == "口径说明"
    assert "就业券结算" in book.sheetnames
    sheet = book["按补贴类型"]
    total = [row for row in sheet.iter_rows(values_only=True) if row[0] == "合计"][0]
    assert Decimal(str(total[3])) == result["totals"]["approved_amount"]
    assert Decimal(str(total[7])) == result["totals"]["paid_amount"]
    assert Decimal(str(book["专项发展资金"].cell(row=2, column=2).value)) == fund.amount


def test_the_dashboard_links_to_the_ledger(client_for, official):
    page = client_for(official).get(reverse("admin:index"))
    assert reverse("admin:subsidies_fund_ledger") in page.content.decode()
