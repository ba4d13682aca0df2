"""The annual report's voucher section (促进就业券): vouchers issued, redeemed, verified and
reimbursed, counts and amounts, against the caps of the year's batches (the plan's 5,000
vouchers and 1,000,000 yuan, kept on each batch), by target group and by street. Registered in
``VouchersConfig.ready``. Every figure is the one ``selectors.year_progress`` computes, by the
same definitions as the batch's progress page (``selectors.STAGES``): six SQL aggregates
whatever the data."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from kunqu_jiafu.reporting.registry import (
    INTEGER,
    MONEY,
    Chart,
    Column,
    Figure,
    Section,
    SectionData,
    Series,
    Table,
)

from . import selectors


def vouchers_link(year: int, **filters) -> str:
    """The vouchers' admin list of the year's batches, with sidebar filters (their parameters,
    nothing else)."""
    query = "&".join(f"{key}={value}" for key, value in {"year": year, **filters}.items())
    return reverse("admin:vouchers_voucher_changelist") + f"?{query}"


def _stages() -> list[tuple[str, str, str]]:
    """Each step: its key, its label and the definition of its count."""
    return [
        (
            "issued",
            _("Vouchers issued"),
            _("Vouchers of the year's batches issued to households and not voided."),
        ),
        (
            "redeemed",
            _("Vouchers redeemed"),
            _(
                "Vouchers of the year's batches for which an agency recorded the home service "
                "(redeemed, verified, failed verification or reimbursed)."
            ),
        ),
        (
            "verified",
            _("Vouchers verified"),
            _(
                "Redeemed vouchers of the year's batches that passed verification (or were since reimbursed)."
            ),
        ),
        (
            "reimbursed",
            _("Vouchers reimbursed"),
            _(
                "Vouchers of the year's batches whose face value was reimbursed to the agency on a settlement statement."
            ),
        ),
    ]


def _figures(year: int, p: dict) -> list[Figure]:
    figures = []
    for stage, label, definition in _stages():
        link = vouchers_link(year, stage=stage)
        issued = stage == "issued"
        figures.append(
            Figure(
                f"vouchers.{stage}",
                label,
                p[stage],
                _("vouchers"),
                definition + (_(" Plan: 发放促进就业券5000张.") if issued else ""),
                target_min=p["count"] if issued else None,
                target_max=p["count"] if issued else None,
                link=link,
            )
        )
        figures.append(
            Figure(
                f"vouchers.{stage}_amount",
                _("Value of %(label)s") % {"label": label},
                p[f"{stage}_amount"],
                _("yuan"),
                _("The face value of the vouchers counted in “%(label)s”.") % {"label": label}
                + (_(" Plan: 100万元.") if issued else ""),
                kind=MONEY,
                target_min=p["total"] if issued else None,
                target_max=p["total"] if issued else None,
                link=link,
            )
        )
    return figures


def _table(key: str, title: str, first: str, rows: list[dict]) -> Table:
    columns = (
        Column(first),
        Column(_("Applications"), _("applications"), INTEGER),
        Column(_("Issued"), _("vouchers"), INTEGER),
        Column(_("Value issued"), _("yuan"), MONEY),
        Column(_("Redeemed"), _("vouchers"), INTEGER),
        Column(_("Verified"), _("vouchers"), INTEGER),
        Column(_("Reimbursed"), _("vouchers"), INTEGER),
        Column(_("Value reimbursed"), _("yuan"), MONEY),
    )
    return Table(
        key,
        title,
        columns,
        [
            (
                r["name"],
                r["applications"],
                r["issued"],
                r["issued_amount"],
                r["redeemed"],
                r["verified"],
                r["reimbursed"],
                r["reimbursed_amount"],
            )
            for r in rows
        ],
        definition=_(
            "By the household's application; each voucher counts once, so the totals equal the "
            "figures above."
        ),
        total=True,
    )


def _chart(key: str, title: str, rows: list[dict], kind: str) -> Chart:
    return Chart(
        key,
        title,
        [r["name"] for r in rows],
        [
            Series(_("Issued"), [r["issued"] for r in rows]),
            Series(_("Redeemed"), [r["redeemed"] for r in rows]),
            Series(_("Reimbursed"), [r["reimbursed"] for r in rows]),
        ],
        unit=_("vouchers"),
        kind=kind,
    )


def compute(year: int) -> SectionData:
    p = selectors.year_progress(year)
    groups, streets = p["by_group"], p["by_street"]
    return SectionData(
        figures=_figures(year, p),
        tables=[
            _table("vouchers.by_group", _("Vouchers by target group"), _("Target group"), groups),
            _table("vouchers.by_street", _("Vouchers by street"), _("Street or town"), streets),
        ],
        charts=[
            _chart("vouchers.by_group", _("Vouchers by target group"), groups, "bar"),
            _chart("vouchers.by_street", _("Vouchers by street"), streets, "hbar"),
        ],
        notes=[
            _(
                "The year's batches: %(batches)s. Targets are the sum of their caps (number "
                "of vouchers and total value). A voucher counts at every step it has passed."
            )
            % {"batches": p["batches"]}
        ],
    )


SECTION = Section(
    key="vouchers",
    title=pgettext_lazy("report section", "Employment vouchers"),
    order=40,
    compute=compute,
)
