"""Amounts as the subsidies admin shows them: yuan texts and the special funds' bars."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext

from kunqu_jiafu.web.formats import figure

from .. import rules


def yuan(value) -> str:
    return "—" if value is None else rules.yuan(value)


def fund_rows(funds) -> list[dict]:
    """What the fund templates show: budget, committed, remaining and the share used."""
    rows = []
    for fund in funds:
        # Rounded like the {% widthratio %} of the staff home page, so both show the same.
        used = (
            min(100, int(fund.committed * 100 / fund.amount + Decimal("0.5")))
            if fund.amount
            else (100 if fund.committed else 0)
        )
        rows.append(
            {
                "fund": fund,
                "label": fund.claim_type.name if fund.claim_type_id else gettext("all claim types"),
                "year": fund.year,
                "amount": figure(fund.amount),
                "committed": figure(fund.committed),
                "remaining": figure(fund.remaining),
                "used": used,
                "tone": "negative" if used >= 95 else "warning" if used >= 80 else "positive",
            }
        )
    return rows
