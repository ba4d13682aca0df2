"""The annual report's subsidies section (补贴与资金执行): the claims of the year's policy
(their claim types' policy year) by claim type and by status, what was approved, paid,
revoked and is to be recovered, fee exemptions, and the execution of each special fund.
Registered with the report's registry in ``SubsidiesConfig.ready``; every figure is one SQL
aggregate, and the section takes the same number of queries whatever the data."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kunqu_jiafu.reporting.registry import (
    INTEGER,
    MONEY,
    PERCENT,
    Chart,
    Column,
    Figure,
    Section,
    SectionData,
    Series,
    Table,
)

from . import selectors
from .exemption_models import FeeExemption
from .models import ZERO, Claim, ClaimType

S = Claim.Status
# A claim counts once it is submitted: drafts are the agency's own work in progress.
SUBMITTED = tuple(value for value in S.values if value != S.DRAFT)
# Approved money still standing: approved and not yet paid, or paid.
GRANTED = (S.APPROVED, S.PAID)
STATUS_ORDER = (
    S.SUBMITTED,
    S.FIRST_PASSED,
    S.RETURNED,
    S.APPROVED,
    S.PAID,
    S.REJECTED,
    S.REVOKED,
    S.WITHDRAWN,
)


def _sum(field: str, condition: Q | None = None):
    return Coalesce(
        Sum(field, filter=condition),
        Value(ZERO),
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )


def _claims_url(year: int, **filters) -> str:
    query = "&".join(f"{key}={value}" for key, value in {"year": year, **filters}.items())
    return reverse("admin:subsidies_claim_changelist") + f"?{query}"


def _statuses(values) -> str:
    return ",".join(str(value) for value in values)


def _claim_totals(year: int) -> dict:
    """Counts and amounts of the year's claims by status, in one query."""
    counts: dict = {}
    for status in STATUS_ORDER:
        match = Q(status=status)
        counts[f"n_{status}"] = Count("pk", filter=match)
        counts[f"claimed_{status}"] = _sum("eligible_amount", match)
        counts[f"approved_{status}"] = _sum("approved_amount", match)
    submitted, granted = Q(status__in=SUBMITTED), Q(status__in=GRANTED)
    exemption = Q(claim_type__group=ClaimType.Group.EXEMPTION) & granted
    return Claim.objects.filter(claim_type__policy_year=year).aggregate(
        **counts,
        submitted=Count("pk", filter=submitted),
        claimed=_sum("eligible_amount", submitted),
        granted=Count("pk", filter=granted),
        granted_amount=_sum("approved_amount", granted),
        paid=Count("pk", filter=Q(status=S.PAID)),
        paid_amount=_sum("approved_amount", Q(status=S.PAID)),
        revoked=Count("pk", filter=Q(status=S.REVOKED)),
        recovery=_sum("recovery_amount"),
        exemption_amount=_sum("approved_amount", exemption),
    )


def _by_type(year: int) -> list[tuple]:
    """(claim type, claims, claimed, approved, paid) for each of the year's claim types."""
    submitted = Q(claims__status__in=SUBMITTED)
    rows = (
        ClaimType.objects.filter(policy_year=year)
        .annotate(
            n=Count("claims", filter=submitted),
            claimed=_sum("claims__eligible_amount", submitted),
            approved=_sum("claims__approved_amount", Q(claims__status__in=GRANTED)),
            paid=_sum("claims__approved_amount", Q(claims__status=S.PAID)),
        )
        .order_by("sort_order", "code")
    )
    return [(t, t.n, t.claimed, t.approved, t.paid) for t in rows]


def _exemptions(year: int) -> int:
    """Fee exemptions served in the year that count, on approved or paid claims."""
    return FeeExemption.objects.filter(
        service_date__year=year, live=True, claim__status__in=GRANTED
    ).count()


def execution_rate(paid: Decimal, budget: Decimal) -> Decimal:
    """Paid ÷ budget in %, to one decimal (0 without a budget)."""
    if not budget:
        return Decimal("0.0")
    return (paid * 100 / budget).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _fund_rows(year: int, paid_by_type: dict[int, Decimal]) -> list[tuple]:
    """(label, budget, approved so far, paid, execution %) of each of the year's funds: the
    general fund pays every type's claims; a type's own fund those of its type."""
    rows = []
    funds = sorted(
        selectors.funds_for_year(year), key=lambda f: (f.claim_type_id is not None, f.pk)
    )
    for fund in funds:
        if fund.claim_type_id is None:
            label, paid = _("Special fund, all claim types"), sum(paid_by_type.values(), ZERO)
        else:
            label, paid = fund.claim_type.name, paid_by_type.get(fund.claim_type_id, ZERO)
        rows.append((label, fund.amount, fund.committed, paid, execution_rate(paid, fund.amount)))
    return rows


def _claim_figures(year: int, totals: dict) -> list[Figure]:
    return [
        Figure(
            "subsidies.claims",
            _("Claims submitted"),
            totals["submitted"],
            _("claims"),
            _("Claims of the year's claim types that were submitted (every status but draft)."),
            link=_claims_url(year, status__in=_statuses(SUBMITTED)),
        ),
        Figure(
            "subsidies.claimed_amount",
            _("Amount claimed"),
            totals["claimed"],
            _("yuan"),
            _("The eligible amounts computed for the submitted claims of the year's claim types."),
            kind=MONEY,
            link=_claims_url(year, status__in=_statuses(SUBMITTED)),
        ),
        Figure(
            "subsidies.approved",
            _("Claims approved"),
            totals["granted"],
            _("claims"),
            _("Claims of the year's claim types approved (paid or awaiting payment)."),
            link=_claims_url(year, status__in=_statuses(GRANTED)),
        ),
        Figure(
            "subsidies.approved_amount",
            _("Amount approved"),
            totals["granted_amount"],
            _("yuan"),
            _("The approved amounts of the claims approved or paid (revoked claims excluded)."),
            kind=MONEY,
            link=_claims_url(year, status__in=_statuses(GRANTED)),
        ),
        Figure(
            "subsidies.paid",
            _("Claims paid"),
            totals["paid"],
            _("claims"),
            _("Claims of the year's claim types paid out (status 已拨付)."),
            link=_claims_url(year, status__exact=S.PAID),
        ),
        Figure(
            "subsidies.paid_amount",
            _("Amount paid"),
            totals["paid_amount"],
            _("yuan"),
            _("The approved amounts of the paid claims."),
            kind=MONEY,
            link=_claims_url(year, status__exact=S.PAID),
        ),
        Figure(
            "subsidies.revoked",
            _("Claims revoked"),
            totals["revoked"],
            _("claims"),
            _(
                "Approved or paid claims revoked afterwards (for example found false by a spot check)."
            ),
            link=_claims_url(year, status__exact=S.REVOKED),
        ),
        Figure(
            "subsidies.recovery_amount",
            _("Amount to recover"),
            totals["recovery"],
            _("yuan"),
            _(
                "Money paid out that is to be recovered: revoked paid claims and the share of fee "
                "exemptions found false on paid claims."
            ),
            kind=MONEY,
            link=_claims_url(year, recovery_amount__isnull="False"),
        ),
    ]


def _fund_figures(year: int, totals: dict, fund: dict, exemptions: int) -> list[Figure]:
    group = ClaimType.Group.EXEMPTION
    return [
        Figure(
            "subsidies.fund_amount",
            _("Special fund budget"),
            fund["amount"],
            _("yuan"),
            _("The year's special development fund for all claim types."),
            kind=MONEY,
            link=reverse("admin:subsidies_specialfund_changelist") + f"?year={year}",
        ),
        Figure(
            "subsidies.fund_committed",
            _("Special fund approved so far"),
            fund["committed"],
            _("yuan"),
            _(
                "What approvals have drawn from the year's fund for all claim types (money paid "
                "and then revoked stays drawn until it is recovered)."
            ),
            kind=MONEY,
            link=reverse("admin:subsidies_specialfund_changelist") + f"?year={year}",
        ),
        Figure(
            "subsidies.fund_execution",
            _("Budget execution"),
            execution_rate(totals["paid_amount"], fund["amount"]),
            "%",
            _("Amount paid ÷ the year's special fund for all claim types, in per cent."),
            kind=PERCENT,
            link=_claims_url(year, status__exact=S.PAID),
        ),
        Figure(
            "subsidies.exemptions",
            _("Household fee exemptions"),
            exemptions,
            _("services"),
            _(
                "Household services served in the year whose fee was exempted, still counting, on "
                "approved or paid claims."
            ),
            link=reverse("admin:subsidies_feeexemption_changelist")
            + f"?service_date__year={year}&live__exact=1&claim__status__in={_statuses(GRANTED)}",
        ),
        Figure(
            "subsidies.exemption_amount",
            _("Fee exemption amount approved"),
            totals["exemption_amount"],
            _("yuan"),
            _("The approved amounts of the year's fee-exemption claims approved or paid."),
            kind=MONEY,
            link=_claims_url(year, claim_type__group__exact=group, status__in=_statuses(GRANTED)),
        ),
    ]


def _tables(totals: dict, by_type: list[tuple], funds: list[tuple]) -> list[Table]:
    amounts = (
        Column(_("Claims"), _("claims"), INTEGER),
        Column(_("Claimed"), _("yuan"), MONEY),
        Column(_("Approved"), _("yuan"), MONEY),
    )
    by_status = [
        (
            S(status).label,
            totals[f"n_{status}"],
            totals[f"claimed_{status}"],
            totals[f"approved_{status}"],
        )
        for status in STATUS_ORDER
    ]
    return [
        Table(
            "subsidies.by_type",
            _("Claims by claim type"),
            (Column(_("Claim type")), *amounts, Column(_("Paid"), _("yuan"), MONEY)),
            [(t.name, n, claimed, approved, paid) for t, n, claimed, approved, paid in by_type],
            definition=_(
                "Submitted claims; approved: claims approved or paid; paid: claims paid out."
            ),
            total=True,
        ),
        Table(
            "subsidies.by_status",
            _("Claims by status"),
            (Column(_("Status")), *amounts),
            by_status,
            definition=_("Every submitted claim under its status today."),
            total=True,
        ),
        Table(
            "subsidies.funds",
            _("Execution of the special funds"),
            (
                Column(_("Fund")),
                Column(_("Budget"), _("yuan"), MONEY),
                Column(_("Approved so far"), _("yuan"), MONEY),
                Column(_("Paid"), _("yuan"), MONEY),
                Column(_("Execution rate"), "%", PERCENT),
            ),
            funds,
            definition=_(
                "The fund for all claim types pays every claim; a claim type's own fund caps "
                "that type within it. Execution rate: paid ÷ budget."
            ),
        ),
    ]


def compute(year: int) -> SectionData:
    totals = _claim_totals(year)
    by_type = _by_type(year)
    funds = _fund_rows(year, {t.pk: paid for t, _n, _c, _a, paid in by_type})
    figures = [
        *_claim_figures(year, totals),
        *_fund_figures(year, totals, selectors.fund_summary(year), _exemptions(year)),
    ]
    charts = [
        Chart(
            "subsidies.by_type",
            _("Amounts by claim type"),
            [row[0].name for row in by_type],
            [
                Series(_("Claimed"), [row[2] for row in by_type]),
                Series(_("Approved"), [row[3] for row in by_type]),
                Series(_("Paid"), [row[4] for row in by_type]),
            ],
            unit=_("yuan"),
        ),
        Chart(
            "subsidies.funds",
            _("Budget execution by fund"),
            [row[0] for row in funds],
            [
                Series(_("Budget"), [row[1] for row in funds]),
                Series(_("Approved so far"), [row[2] for row in funds]),
                Series(_("Paid"), [row[3] for row in funds]),
            ],
            unit=_("yuan"),
        ),
    ]
    return SectionData(figures=figures, tables=_tables(totals, by_type, funds), charts=charts)


SECTION = Section(
    key="subsidies",
    title=gettext_lazy("Subsidies and fund execution"),
    order=50,
    compute=compute,
)
