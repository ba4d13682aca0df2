"""The annual report's fund-safety section shows the fund ledger's own figures: its exceptions
counted against a target of none, its tables, a long exception list cut with a note."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from kunqu_jiafu.reporting.registry import section_for_year, sections
from subsidies import ledger, ledger_report, selectors
from tests.subsidies.test_fund_ledger import YEAR, _claim, _fund


def test_the_section_counts_the_ledgers_exceptions_and_lists_them(org_a, settings, monkeypatch):
    settings.SUBSIDY_UNPAID_DAYS = 30
    fund = _fund()
    long_ago = timezone.now() - dt.timedelta(days=31)
    for amount in ("100", "200", "300"):
        _claim(org_a, "loan_interest", "approved", Decimal(amount), fund=fund, decided_at=long_ago)
    _claim(org_a, "health_check", "revoked_paid", Decimal("500"), fund=fund)

    computed = section_for_year(sections.get("fund_ledger"), YEAR)
    figures = {f.key: f for f in computed.data.figures}
    exceptions = selectors.fund_exceptions(YEAR)
    assert figures["fund_ledger.exceptions"].value == len(exceptions) >= 4
    assert figures["fund_ledger.exceptions"].reached is False  # the target is none at all
    totals = selectors.fund_ledger(YEAR)["totals"]
    assert figures["fund_ledger.recovery_outstanding"].value == totals["recovery_outstanding"]
    assert figures["fund_ledger.drawn"].value == totals["drawn_amount"]
    listed = computed.data.tables[-1]
    assert len(listed.rows) == len(exceptions)
    assert {row[0] for row in listed.rows} >= {str(ledger.EXCEPTION_LABELS[ledger.UNPAID])}

    monkeypatch.setattr(ledger_report, "LISTED", 2)
    cut = section_for_year(sections.get("fund_ledger"), YEAR).data.tables[-1]
    assert len(cut.rows) == 2 and str(len(exceptions)) in cut.definition


def test_the_voucher_settlement_section_is_registered_after_the_vouchers(db):
    keys = [s.key for s in sections.all()]
    assert keys.index("vouchers") < keys.index("settlement_ledger") < keys.index("subsidies")
    computed = section_for_year(sections.get("settlement_ledger"), YEAR)
    assert computed.data.figures[0].key == "settlement_ledger.exceptions"
