"""The annual report's fund-safety section (确保资金发放安全): the fund ledger of the year
(subsidies/ledger.py: fund × claim type, approvals, payments, revocations, recoveries) and
what does not reconcile, the same figures as the staff page /admin/subsidies/specialfund/
ledger/. Registered with the report's registry in ``SubsidiesConfig.ready``."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from kunqu_jiafu.reporting.registry import (
    INTEGER,
    MONEY,
    Figure,
    Section,
    SectionData,
    table_from_sheet,
)

from .ledger import fund_exceptions, fund_ledger, fund_ledger_sheets

# Rows of a table printed in the report; the staff page and its workbook list every one.
LISTED = 200


def compute(year: int) -> SectionData:
    ledger = fund_ledger(year)
    exceptions = fund_exceptions(year, ledger=ledger)
    page = reverse("admin:subsidies_fund_ledger") + f"?year={year}"
    totals = ledger["totals"]
    yuan = pgettext("unit", "yuan")
    figures = [
        Figure(
            "fund_ledger.exceptions",
            _("Items that do not reconcile"),
            len(exceptions),
            pgettext("unit", "items"),
            _(
                "Claims approved but unpaid past the set days, paid without a notice or a bank reference, recoveries outstanding, and funds whose recorded total differs from their claims."
            ),
            kind=INTEGER,
            target_min=0,
            target_max=0,
            link=page,
        ),
        Figure(
            "fund_ledger.unreconciled_types",
            _("Claim types that do not reconcile"),
            sum(1 for row in ledger["types"] if not row["reconciles"]),
            pgettext("unit", "items"),
            _(
                "Claim types where approved ≠ awaiting payment + paid + revoked before payment, paid exceeds approved, or recovery due exceeds paid."
            ),
            target_min=0,
            target_max=0,
            link=page,
        ),
        Figure(
            "fund_ledger.drawn",
            _("Drawn on the funds"),
            totals["drawn_amount"],
            yuan,
            _("Approved amounts not revoked before payment, of claim types of the year."),
            kind=MONEY,
            link=page,
        ),
        Figure(
            "fund_ledger.recovery_outstanding",
            _("Recovery outstanding"),
            totals["recovery_outstanding"],
            yuan,
            _("Amounts to recover from revoked paid claims not yet recovered."),
            kind=MONEY,
            link=page,
        ),
    ]
    tables = []
    for n, (title, headers, rows) in enumerate(fund_ledger_sheets(ledger, exceptions)):
        definition = ""
        if len(rows) > LISTED:
            definition = _("The first %(n)s of %(total)s; the staff page lists them all.") % {
                "n": LISTED,
                "total": len(rows),
            }
        tables.append(
            table_from_sheet(
                f"fund_ledger.{n}", str(title), headers, rows[:LISTED], definition=definition
            )
        )
    notes = [f"{term}：{text}" for term, text in ledger["definitions"]]
    return SectionData(figures=figures, tables=tables, notes=notes)


SECTION = Section(
    key="fund_ledger",
    title=gettext_lazy("Fund safety: the fund ledger"),
    order=55,
    compute=compute,
)
