"""结算台账: the voucher settlements of a year's batches against the batch's caps, and what does
not reconcile (确保资金发放安全).

Each figure is an SQL aggregate, in a constant number of queries whatever the amount of data
(``settlement_ledger``: 5). Re-exported by ``selectors`` for the other apps (reports).

A voucher cannot be settled twice: ``Voucher.settlement`` is one column (a voucher sits on at
most one statement), a statement takes only vouchers with no statement yet
(``selectors.settleable_vouchers``, under a row lock), and the home service that redeems it is
one-to-one with the voucher. So "settled twice" has no rows to list; what is checked instead is
that each statement's recorded count and amount equal its vouchers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Settlement, Voucher, VoucherBatch

ZERO = Decimal("0.00")
REDEEMED_STATUSES = ("redeemed", "verified", "rejected", "reimbursed", "revoked")

DEFINITIONS = [
    (
        gettext_lazy("Issued"),
        gettext_lazy("Vouchers not voided; must not exceed the batch's count and value caps."),
    ),
    (
        gettext_lazy("Redeemed"),
        gettext_lazy("Vouchers with a home service recorded (whatever happened after)."),
    ),
    (
        gettext_lazy("Settled"),
        gettext_lazy("Vouchers on a settlement statement; their face values sum to it."),
    ),
    (
        gettext_lazy("Reimbursed"),
        gettext_lazy("Vouchers on a statement that was paid (revoked ones included)."),
    ),
    (
        gettext_lazy("Reconciles (vouchers)"),
        gettext_lazy(
            "Issued ≤ the batch's count and value; the batch's recorded issued figures = the "
            "vouchers; Σ statements = Σ their vouchers; settled ≤ redeemed ≤ issued; settled "
            "amount ≤ the batch's value."
        ),
    ),
    (
        gettext_lazy("Settled twice"),
        gettext_lazy(
            "Cannot happen: a voucher row names at most one statement, a statement takes only "
            "vouchers with none, and a voucher has at most one home service. Each statement's "
            "recorded count and amount are checked against its vouchers instead."
        ),
    ),
    (
        gettext_lazy("Redeemed, not reimbursed in time"),
        gettext_lazy(
            "Redeemed or verified vouchers whose home service was recorded more than the set "
            "number of days ago and not yet paid to the agency."
        ),
    ),
]

UNREIMBURSED = "redeemed_unreimbursed"
STATEMENT_MISMATCH = "statement_mismatch"
OVER_BATCH = "settled_over_batch"
RECOVERY_OUTSTANDING = "voucher_recovery_outstanding"
EXCEPTION_LABELS = {
    UNREIMBURSED: gettext_lazy("Redeemed, not reimbursed in time"),
    STATEMENT_MISMATCH: gettext_lazy("Statement differs from its vouchers"),
    OVER_BATCH: gettext_lazy("Settlements exceed the batch"),
    RECOVERY_OUTSTANDING: gettext_lazy("Recovery outstanding"),
}


def _money(value) -> Decimal:
    return value if value is not None else ZERO


def _batch_rows(batches: list[VoucherBatch]) -> list[dict]:
    """Two queries: the vouchers' and the statements' figures per batch."""
    ids = [b.pk for b in batches]
    live = ~Q(status="voided")
    redeemed = Q(status__in=REDEEMED_STATUSES)
    settled = Q(settlement__isnull=False)
    reimbursed = Q(settlement__status=Settlement.Status.PAID)
    recovery = Q(status="revoked", recovery_amount__gt=0)
    vouchers = {
        row["batch"]: row
        for row in Voucher.objects.filter(batch__in=ids)
        .values("batch")
        .annotate(
            issued=Count("pk", filter=live),
            issued_amount=Sum("face_value", filter=live),
            redeemed=Count("pk", filter=redeemed),
            redeemed_amount=Sum("face_value", filter=redeemed),
            settled=Count("pk", filter=settled),
            settled_amount=Sum("face_value", filter=settled),
            reimbursed=Count("pk", filter=reimbursed),
            reimbursed_amount=Sum("face_value", filter=reimbursed),
            recovery_due=Sum("recovery_amount", filter=recovery),
        )
        .order_by()
    }
    statements = {
        row["batch"]: row
        for row in Settlement.objects.filter(batch__in=ids)
        .values("batch")
        .annotate(
            statements=Count("pk"),
            statement_count=Sum("voucher_count"),
            statement_amount=Sum("amount"),
            paid_statements=Count("pk", filter=Q(status=Settlement.Status.PAID)),
            paid_amount=Sum("amount", filter=Q(status=Settlement.Status.PAID)),
        )
        .order_by()
    }
    return [_batch_row(b, vouchers.get(b.pk, {}), statements.get(b.pk, {})) for b in batches]


def _batch_row(batch: VoucherBatch, v: dict, s: dict) -> dict:
    row = {
        "pk": batch.pk,
        "label": str(batch),
        "count": batch.count,
        "total": batch.total,
        "recorded_issued": batch.issued_count,
        "recorded_issued_amount": batch.issued_amount,
        "url": reverse("admin:vouchers_voucherbatch_change", args=[batch.pk]),
    }
    for key in ("issued", "redeemed", "settled", "reimbursed"):
        row[key] = v.get(key, 0)
        row[f"{key}_amount"] = _money(v.get(f"{key}_amount"))
    row["recovery_due"] = _money(v.get("recovery_due"))
    row["statements"] = s.get("statements", 0)
    row["statement_count"] = s.get("statement_count") or 0
    row["statement_amount"] = _money(s.get("statement_amount"))
    row["paid_statements"] = s.get("paid_statements", 0)
    row["paid_amount"] = _money(s.get("paid_amount"))
    row["remaining"] = batch.count - row["issued"]
    row["remaining_amount"] = batch.total - row["issued_amount"]
    problems = []
    if row["issued"] > batch.count or row["issued_amount"] > batch.total:
        problems.append(_("issued exceeds the batch"))
    if (row["recorded_issued"], row["recorded_issued_amount"]) != (
        row["issued"],
        row["issued_amount"],
    ):
        problems.append(_("the batch's recorded issued figures differ from its vouchers"))
    if (row["statement_count"], row["statement_amount"]) != (row["settled"], row["settled_amount"]):
        problems.append(_("statements differ from the vouchers on them"))
    if not row["settled"] <= row["redeemed"] <= row["issued"]:
        problems.append(_("settled > redeemed or redeemed > issued"))
    if row["statement_amount"] > batch.total:
        problems.append(_("settlements exceed the batch's value"))
    row["problems"] = problems
    row["reconciles"] = not problems
    return row


def _statement_mismatches(batches: list[VoucherBatch]) -> list[dict]:
    """One query: statements whose recorded count or amount differ from their vouchers."""
    statements = (
        Settlement.objects.filter(batch__in=[b.pk for b in batches])
        .annotate(
            actual_count=Count("vouchers"),
            actual_amount=Coalesce(Sum("vouchers__face_value"), ZERO),
        )
        .filter(~Q(actual_count=F("voucher_count")) | ~Q(actual_amount=F("amount")))
        .select_related("agency")
        .order_by("month", "pk")
    )
    return [
        {
            "kind": STATEMENT_MISMATCH,
            "label": str(EXCEPTION_LABELS[STATEMENT_MISMATCH]),
            "record": s.number,
            "agency": s.agency.name,
            "amount": s.amount - s.actual_amount,
            "date": s.month,
            "url": reverse("admin:vouchers_settlement_change", args=[s.pk]),
            "note": _("recorded %(n)s vouchers, %(amount)s yuan; on it %(m)s, %(actual)s yuan")
            % {
                "n": s.voucher_count,
                "amount": s.amount,
                "m": s.actual_count,
                "actual": s.actual_amount,
            },
        }
        for s in statements
    ]


def _voucher_exceptions(batches: list[VoucherBatch], days: int) -> list[dict]:
    """One query: vouchers redeemed and not reimbursed past the days, and recoveries due."""
    cutoff = timezone.now() - dt.timedelta(days=days)
    late = Q(status__in=["redeemed", "verified"], service__redeemed_at__lt=cutoff)
    recovery = Q(status="revoked", recovery_amount__gt=0)
    vouchers = (
        Voucher.objects.filter(batch__in=[b.pk for b in batches])
        .filter(late | recovery)
        .select_related("agency", "service")
        .order_by("pk")
    )
    rows = []
    for voucher in vouchers:
        if voucher.status == Voucher.Status.REVOKED:
            kind, amount, day = RECOVERY_OUTSTANDING, voucher.recovery_amount, voucher.revoked_at
        else:
            kind, amount, day = UNREIMBURSED, voucher.face_value, voucher.service.redeemed_at
        rows.append(
            {
                "kind": kind,
                "label": str(EXCEPTION_LABELS[kind]),
                "record": voucher.display_code,
                "agency": voucher.agency.name if voucher.agency_id else "",
                "amount": amount,
                "date": timezone.localdate(day) if day else None,
                "url": reverse("admin:vouchers_voucher_change", args=[voucher.pk]),
                "note": voucher.get_status_display(),
            }
        )
    return rows


def settlement_ledger(
    year: int | None = None, *, batch: VoucherBatch | None = None, days: int | None = None
) -> dict:
    """The voucher settlement ledger of a year's batches (or of one batch):
    ``{"year", "batches": [...], "totals": {...}, "exceptions": [...], "reconciles": bool,
    "definitions": [(term, text)]}``.

    A batch row: pk, label, count and total (the caps), recorded_issued(_amount) (kept on the
    batch), issued / redeemed / settled / reimbursed and their ``*_amount``, recovery_due,
    statements, statement_count, statement_amount, paid_statements, paid_amount, remaining(_amount),
    problems, reconciles, url. An exception: kind, label, record (voucher code or statement
    number), agency, amount, date, url, note. ``days``: settings.VOUCHER_UNREIMBURSED_DAYS."""
    days = settings.VOUCHER_UNREIMBURSED_DAYS if days is None else days
    if batch is not None:
        # Read afresh: the caller's copy may predate the issues its recorded figures count.
        batches, year = list(VoucherBatch.objects.filter(pk=batch.pk)), batch.year
    else:
        batches = list(VoucherBatch.objects.filter(year=year).order_by("pk"))
    rows = _batch_rows(batches) if batches else []
    exceptions = []
    if batches:
        exceptions = _voucher_exceptions(batches, days) + _statement_mismatches(batches)
    for row in rows:
        if row["statement_amount"] > row["total"]:
            exceptions.append(
                {
                    "kind": OVER_BATCH,
                    "label": str(EXCEPTION_LABELS[OVER_BATCH]),
                    "record": row["label"],
                    "agency": "",
                    "amount": row["statement_amount"] - row["total"],
                    "date": None,
                    "url": row["url"],
                    "note": "",
                }
            )
    numeric = (int, Decimal)
    keys = (
        [k for k, v in rows[0].items() if isinstance(v, numeric) and not isinstance(v, bool)]
        if rows
        else []
    )
    totals = {k: sum((r[k] for r in rows), 0) for k in keys if k != "pk"}
    return {
        "year": year,
        "batches": rows,
        "totals": totals,
        "exceptions": exceptions,
        "reconciles": all(r["reconciles"] for r in rows),
        "definitions": [(str(term), str(text)) for term, text in DEFINITIONS],
    }


def settlement_ledger_sheets(ledger: dict) -> list[tuple[str, list, list]]:
    """``[(sheet title, headers, rows)]``: the batches against their caps, and the exceptions."""
    keys = (
        "count",
        "total",
        "issued",
        "issued_amount",
        "redeemed",
        "redeemed_amount",
        "settled",
        "settled_amount",
        "reimbursed",
        "reimbursed_amount",
        "statements",
        "statement_amount",
        "recovery_due",
    )
    headers = [
        _("Batch"),
        _("Vouchers in the batch"),
        _("Batch value (yuan)"),
        _("Issued"),
        _("Issued (yuan)"),
        _("Redeemed"),
        _("Redeemed (yuan)"),
        _("Settled"),
        _("Settled (yuan)"),
        _("Reimbursed"),
        _("Reimbursed (yuan)"),
        _("Statements"),
        _("Statements (yuan)"),
        _("Recovery due (yuan)"),
        _("Reconciles"),
    ]
    rows = [[b["label"], *(b[k] for k in keys), b["reconciles"]] for b in ledger["batches"]]
    exceptions = [
        [e["label"], e["record"], e["agency"], e["amount"], e["date"], e["note"]]
        for e in ledger["exceptions"]
    ]
    return [
        (_("Voucher settlements"), headers, rows),
        (
            _("Voucher exceptions"),
            [
                _("Kind"),
                _("Voucher or statement"),
                _("Agency"),
                _("Amount (yuan)"),
                _("Date"),
                _("Note"),
            ],
            exceptions,
        ),
    ]
