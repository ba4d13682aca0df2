"""资金台账: the special fund ledger of a year and what does not reconcile (确保资金发放安全).

Read-only figures, each an SQL aggregate over the claim rows, in a constant number of queries
whatever the amount of data (``fund_ledger``: 2, ``fund_exceptions``: 1). The claims of a year
are those whose claim type belongs to that policy year, as the funds they draw on
(``services.funds.lock_funds``). Re-exported by ``selectors`` for the other apps (reports).

The reconciliation identities (``DEFINITIONS`` prints them):

* per fund: recorded ``committed`` = Σ approved amount of the claims drawn on it (approved,
  paid, or revoked after payment: money paid out stays spent until it is recovered), and
  committed ≤ budget; remaining = budget − committed.
* per claim type: approved = awaiting payment + paid (incl. revoked after payment) + revoked
  before payment; paid ≤ approved; drawn = approved − revoked before payment; recovery due ≤
  paid; outstanding = recovery due − recovered.

The system records the amount to recover (``Claim.recovery_amount``) but not yet the money
received back, so recovered is 0 and every amount to recover is outstanding."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Claim, ClaimType, Notice, SpecialFund

ZERO = Decimal("0.00")

# Which claims count for what (the status names are those of Claim.Status).
APPROVED = Q(status__in=["approved", "paid", "revoked"], approved_amount__isnull=False)
PAID = Q(paid_on__isnull=False) & Q(status__in=["paid", "revoked"])
REVOKED = Q(status="revoked")
REVOKED_UNPAID = Q(status="revoked", paid_on__isnull=True)
AWAITING = Q(status="approved")
DRAWN = Q(fund__isnull=False) & (Q(status__in=["approved", "paid"]) | PAID)
RECOVERY = Q(recovery_amount__gt=0)

DEFINITIONS = [
    (
        gettext_lazy("Claims of the year"),
        gettext_lazy("Claims whose claim type belongs to the policy year of the fund."),
    ),
    (
        gettext_lazy("Approved"),
        gettext_lazy(
            "Claims ever approved: now approved, paid or revoked; amount = approved amount."
        ),
    ),
    (
        gettext_lazy("Paid"),
        gettext_lazy("Approved claims with a payment recorded (paid, or revoked after payment)."),
    ),
    (
        gettext_lazy("Revoked"),
        gettext_lazy(
            "Revoked claims. Revoked before payment: the amount went back to the fund; "
            "after payment: it is to be recovered."
        ),
    ),
    (
        gettext_lazy("Drawn on the fund"),
        gettext_lazy(
            "Approved + paid (incl. revoked after payment) = approved − revoked before payment. "
            "It must equal the fund's recorded “approved so far”."
        ),
    ),
    (
        gettext_lazy("Remaining"),
        gettext_lazy("Budget − drawn; never below zero (the database refuses an overspend)."),
    ),
    (
        gettext_lazy("Recovery due / recovered / outstanding"),
        gettext_lazy(
            "Due = Σ amount to recover (revocations after payment, spot checks); the system "
            "does not yet record money received back, so recovered is 0 and outstanding = due."
        ),
    ),
    (
        gettext_lazy("Reconciles"),
        gettext_lazy(
            "Per claim type: approved = awaiting payment + paid + revoked before payment, "
            "paid ≤ approved, recovery due ≤ paid. Per fund: recorded approved so far = drawn, "
            "and drawn ≤ budget."
        ),
    ),
    (
        gettext_lazy("Approved, not paid in time"),
        gettext_lazy("Approved more than the set number of days ago and still not paid."),
    ),
    (
        gettext_lazy("Paid without an approval notice / bank reference"),
        gettext_lazy(
            "A payment recorded on a claim that has no numbered approval notice, or no bank "
            "reference (the database refuses a paid claim without one; a revoked claim is "
            "still checked)."
        ),
    ),
]


def _money(value) -> Decimal:
    return value if value is not None else ZERO


def _type_rows(year: int) -> list[dict]:
    """One query: every claim type of the year with its claims' figures."""
    claims = "claims__"

    def count(q: Q):
        return Count("claims", filter=_prefixed(q, claims))

    def total(q: Q, field: str = "approved_amount"):
        return Sum(f"claims__{field}", filter=_prefixed(q, claims))

    rows = (
        ClaimType.objects.filter(policy_year=year)
        .order_by("sort_order", "code")
        .values("pk", "code", "name")
        .annotate(
            approved=count(APPROVED),
            approved_amount=total(APPROVED),
            awaiting=count(AWAITING),
            awaiting_amount=total(AWAITING),
            paid=count(PAID),
            paid_amount=total(PAID),
            revoked=count(REVOKED),
            revoked_amount=total(REVOKED),
            revoked_unpaid_amount=total(REVOKED_UNPAID),
            drawn_amount=total(DRAWN),
            recovery_due=total(RECOVERY, "recovery_amount"),
        )
    )
    out = []
    for row in rows:
        row = {k: (_money(v) if k.endswith(("_amount", "_due")) else v) for k, v in row.items()}
        row["recovered"] = ZERO
        row["recovery_outstanding"] = row["recovery_due"] - row["recovered"]
        row["problems"] = _type_problems(row)
        row["reconciles"] = not row["problems"]
        out.append(row)
    return out


def _prefixed(q: Q, prefix: str) -> Q:
    """The same condition seen from a related model (``status`` → ``claims__status``)."""
    clone = Q.create(connector=q.connector, negated=q.negated)
    for child in q.children:
        if isinstance(child, Q):
            clone.children.append(_prefixed(child, prefix))
        else:
            clone.children.append((prefix + child[0], child[1]))
    return clone


def _type_problems(row: dict) -> list[str]:
    problems = []
    parts = row["awaiting_amount"] + row["paid_amount"] + row["revoked_unpaid_amount"]
    if row["approved_amount"] != parts:
        problems.append(_("approved ≠ awaiting payment + paid + revoked before payment"))
    if row["paid"] > row["approved"] or row["paid_amount"] > row["approved_amount"]:
        problems.append(_("paid exceeds approved"))
    if row["recovery_due"] > row["paid_amount"]:
        problems.append(_("recovery due exceeds paid"))
    return problems


def _fund_rows(year: int, types: list[dict]) -> list[dict]:
    """One query for the funds; what each has drawn comes from the type rows."""
    drawn_by_type = {row["pk"]: row["drawn_amount"] for row in types}
    out = []
    for fund in SpecialFund.objects.filter(year=year).select_related("claim_type"):
        if fund.claim_type_id is None:
            drawn = sum(drawn_by_type.values(), ZERO)
            label = _("General fund (all claim types)")
        else:
            drawn = drawn_by_type.get(fund.claim_type_id, ZERO)
            label = fund.claim_type.name
        problems = []
        if fund.committed != drawn:
            problems.append(
                _("recorded approved so far %(recorded)s ≠ drawn by claims %(drawn)s")
                % {"recorded": fund.committed, "drawn": drawn}
            )
        if drawn > fund.amount:
            problems.append(_("drawn exceeds the budget"))
        out.append(
            {
                "pk": fund.pk,
                "claim_type_id": fund.claim_type_id,
                "label": label,
                "amount": fund.amount,
                "committed": fund.committed,
                "drawn": drawn,
                "remaining": fund.amount - fund.committed,
                "problems": problems,
                "reconciles": not problems,
                "url": reverse("admin:subsidies_specialfund_change", args=[fund.pk]),
            }
        )
    return out


TOTAL_KEYS = (
    "approved",
    "approved_amount",
    "awaiting",
    "awaiting_amount",
    "paid",
    "paid_amount",
    "revoked",
    "revoked_amount",
    "revoked_unpaid_amount",
    "drawn_amount",
    "recovery_due",
    "recovered",
    "recovery_outstanding",
)


def fund_ledger(year: int) -> dict:
    """The year's ledger: ``{"year", "funds": [...], "types": [...], "totals": {...},
    "reconciles": bool, "definitions": [(term, text)]}`` in two queries.

    A fund row: pk, claim_type_id (None: the general fund), label, amount (budget), committed
    (recorded), drawn (from the claims), remaining, problems, reconciles, url. A type row: pk,
    code, name, the counts approved / awaiting / paid / revoked and their ``*_amount``,
    revoked_unpaid_amount, drawn_amount, recovery_due, recovered, recovery_outstanding,
    fund (the type's own fund row or None), problems, reconciles."""
    types = _type_rows(year)
    funds = _fund_rows(year, types)
    own = {f["claim_type_id"]: f for f in funds if f["claim_type_id"]}
    for row in types:
        row["fund"] = own.get(row["pk"])
    totals = {key: sum((row[key] for row in types), 0) for key in TOTAL_KEYS}
    return {
        "year": year,
        "funds": funds,
        "types": types,
        "totals": totals,
        "reconciles": all(r["reconciles"] for r in types + funds),
        "definitions": [(str(term), str(text)) for term, text in DEFINITIONS],
    }


# --- exceptions ----------------------------------------------------------------------------------

UNPAID = "approved_unpaid"
NO_NOTICE = "paid_without_notice"
NO_REFERENCE = "paid_without_reference"
RECOVERY_OUTSTANDING = "recovery_outstanding"
FUND_MISMATCH = "fund_mismatch"

EXCEPTION_LABELS = {
    UNPAID: gettext_lazy("Approved, not paid in time"),
    NO_NOTICE: gettext_lazy("Paid without an approval notice"),
    NO_REFERENCE: gettext_lazy("Paid without a bank reference"),
    RECOVERY_OUTSTANDING: gettext_lazy("Recovery outstanding"),
    FUND_MISMATCH: gettext_lazy("Fund does not reconcile"),
}


def _claim_kinds(claim: Claim, cutoff: dt.datetime) -> list[tuple[str, Decimal, object]]:
    kinds = []
    if claim.status == Claim.Status.APPROVED and claim.decided_at and claim.decided_at < cutoff:
        kinds.append((UNPAID, claim.approved_amount, timezone.localdate(claim.decided_at)))
    if claim.paid_on is not None:
        if not claim.has_notice:
            kinds.append((NO_NOTICE, claim.approved_amount, claim.paid_on))
        if not claim.bank_reference.strip():
            kinds.append((NO_REFERENCE, claim.approved_amount, claim.paid_on))
    if claim.recovery_amount and claim.recovery_amount > 0:
        kinds.append((RECOVERY_OUTSTANDING, claim.recovery_amount, claim.paid_on))
    return kinds


def fund_exceptions(
    year: int, *, unpaid_days: int | None = None, ledger: dict | None = None
) -> list[dict]:
    """What does not reconcile in the year, one query (plus the ledger's two when it is not
    given): ``[{"kind", "label", "claim_id", "agency", "claim_type", "period", "amount", "date",
    "url"}]``, ordered by kind then date. A claim can appear under several kinds. Approved but
    unpaid counts once ``unpaid_days`` (``settings.SUBSIDY_UNPAID_DAYS``) have passed since the
    approval."""
    days = settings.SUBSIDY_UNPAID_DAYS if unpaid_days is None else unpaid_days
    cutoff = timezone.now() - dt.timedelta(days=days)
    paid_on_set = Q(paid_on__isnull=False)
    claims = (
        Claim.objects.filter(claim_type__policy_year=year)
        .annotate(
            has_notice=Exists(
                Notice.objects.filter(claim=OuterRef("pk"), kind=Notice.Kind.APPROVAL)
            )
        )
        .filter(
            Q(status=Claim.Status.APPROVED, decided_at__lt=cutoff)
            | (paid_on_set & (Q(has_notice=False) | Q(bank_reference="")))
            | RECOVERY
        )
        .select_related("agency", "claim_type")
        .order_by("pk")
    )
    rows = []
    for claim in claims:
        for kind, amount, day in _claim_kinds(claim, cutoff):
            rows.append(
                {
                    "kind": kind,
                    "label": str(EXCEPTION_LABELS[kind]),
                    "claim_id": claim.pk,
                    "agency": claim.agency.name,
                    "claim_type": claim.claim_type.name,
                    "period": claim.period,
                    "amount": amount,
                    "date": day,
                    "url": reverse("admin:subsidies_claim_change", args=[claim.pk]),
                }
            )
    for fund in (ledger or fund_ledger(year))["funds"]:
        if not fund["reconciles"]:
            rows.append(
                {
                    "kind": FUND_MISMATCH,
                    "label": str(EXCEPTION_LABELS[FUND_MISMATCH]),
                    "claim_id": None,
                    "agency": "",
                    "claim_type": fund["label"],
                    "period": str(year),
                    "amount": fund["committed"] - fund["drawn"],
                    "date": None,
                    "url": fund["url"],
                    "note": "；".join(fund["problems"]),
                }
            )
    order = list(EXCEPTION_LABELS)
    rows.sort(key=lambda r: (order.index(r["kind"]), r["date"] or dt.date.min, r["claim_id"] or 0))
    return rows


# --- the tables as sheets (the page's XLSX; the annual report reuses them) ----------------------


def _funds_sheet(ledger: dict) -> tuple[str, list, list]:
    return (
        _("Special funds"),
        [
            _("Fund"),
            _("Budget (yuan)"),
            _("Recorded approved so far (yuan)"),
            _("Drawn by claims (yuan)"),
            _("Remaining (yuan)"),
            _("Reconciles"),
            _("Problems"),
        ],
        [
            [
                f["label"],
                f["amount"],
                f["committed"],
                f["drawn"],
                f["remaining"],
                f["reconciles"],
                "；".join(f["problems"]),
            ]
            for f in ledger["funds"]
        ],
    )


def fund_ledger_sheets(ledger: dict, exceptions: list[dict]) -> list[tuple[str, list, list]]:
    """``[(sheet title, headers, rows)]``: funds, claim types (with a total row), exceptions."""
    funds = _funds_sheet(ledger)
    keys = (
        "approved",
        "approved_amount",
        "awaiting",
        "awaiting_amount",
        "paid",
        "paid_amount",
        "revoked",
        "revoked_amount",
        "drawn_amount",
        "recovery_due",
        "recovered",
        "recovery_outstanding",
    )
    type_headers = [
        _("Claim type"),
        _("Own fund budget (yuan)"),
        _("Approved"),
        _("Approved (yuan)"),
        _("Awaiting payment"),
        _("Awaiting payment (yuan)"),
        _("Paid"),
        _("Paid (yuan)"),
        _("Revoked"),
        _("Revoked (yuan)"),
        _("Drawn on the fund (yuan)"),
        _("Recovery due (yuan)"),
        _("Recovered (yuan)"),
        _("Recovery outstanding (yuan)"),
        _("Reconciles"),
    ]
    type_rows = [
        [
            t["name"],
            t["fund"]["amount"] if t["fund"] else None,
            *(t[k] for k in keys),
            t["reconciles"],
        ]
        for t in ledger["types"]
    ]
    type_rows.append([_("Total"), None, *(ledger["totals"][k] for k in keys), ledger["reconciles"]])
    exception_rows = [
        [
            e["label"],
            e["claim_id"],
            e["agency"],
            e["claim_type"],
            e["period"],
            e["amount"],
            e["date"],
        ]
        for e in exceptions
    ]
    return [
        funds,
        (_("By claim type"), type_headers, type_rows),
        (
            _("Exceptions"),
            [
                _("Kind"),
                _("Claim no."),
                _("Agency"),
                _("Claim type or fund"),
                _("Period"),
                _("Amount (yuan)"),
                _("Date"),
            ],
            exception_rows,
        ),
    ]
