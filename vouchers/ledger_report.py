"""The annual report's voucher settlement section (就业券结算对账): the year's batches against
their caps (5,000 vouchers, 1,000,000 yuan), settlements and reimbursements, and what does not
reconcile (vouchers/ledger.py, the same figures as the staff fund-ledger page). Registered with
the report's registry in ``VouchersConfig.ready``."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from kunqu_jiafu.reporting.registry import (
    MONEY,
    Figure,
    Section,
    SectionData,
    table_from_sheet,
)

from .ledger import settlement_ledger, settlement_ledger_sheets

# Rows of a table printed in the report; the staff page and its workbook list every one.
LISTED = 200


def compute(year: int) -> SectionData:
    ledger = settlement_ledger(year)
    page = reverse("admin:subsidies_fund_ledger") + f"?year={year}"
    totals = ledger["totals"]
    figures = [
        Figure(
            "settlement_ledger.exceptions",
            _("Voucher items that do not reconcile"),
            len(ledger["exceptions"]),
            pgettext("unit", "items"),
            _(
                "Vouchers redeemed but not reimbursed past the set days, statements that differ from their vouchers, settlements beyond the batch, and recoveries outstanding."
            ),
            target_min=0,
            target_max=0,
            link=page,
        ),
        Figure(
            "settlement_ledger.reimbursed_amount",
            _("Reimbursed to agencies"),
            totals.get("reimbursed_amount", 0),
            pgettext("unit", "yuan"),
            _("Face value of the year's batches' vouchers whose settlement statement was paid."),
            kind=MONEY,
            link=page,
        ),
    ]
    tables = []
    for n, (title, headers, rows) in enumerate(settlement_ledger_sheets(ledger)):
        definition = ""
        if len(rows) > LISTED:
            definition = _("The first %(n)s of %(total)s; the staff page lists them all.") % {
                "n": LISTED,
                "total": len(rows),
            }
        tables.append(
            table_from_sheet(
                f"settlement_ledger.{n}", str(title), headers, rows[:LISTED], definition=definition
            )
        )
    notes = [f"{term}：{text}" for term, text in ledger["definitions"]]
    return SectionData(figures=figures, tables=tables, notes=notes)


SECTION = Section(
    key="settlement_ledger",
    title=gettext_lazy("Voucher settlements against the batch"),
    order=45,
    compute=compute,
)
