"""Every read of the voucher area that depends on who asks, and the progress figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import selectors as agency_selectors
from agencies.models import Agency, AgencyStanding
from agencies.permissions import user_agency_id
from agencies.selectors import agency_of_user  # noqa: F401  (re-exported for services)
from kunqu_jiafu.accounts.roles import is_agency_user, is_staff_member
from kunqu_jiafu.people.idcard import normalize as normalize_id
from kunqu_jiafu.people.models import Person

from . import codes
from .models import (
    Application,
    Participation,
    Service,
    Settlement,
    TargetGroup,
    Voucher,
    VoucherBatch,
)

USED_STATUSES = ("redeemed", "verified", "rejected", "reimbursed")
VERIFIED_STATUSES = ("verified", "reimbursed")
# The steps the progress figures count, one definition each (the batch's progress page, the
# dashboard, the annual report and the voucher list's "step" filter): a voucher counts at
# every step it has passed; a voided one nowhere.
STAGES = {
    "issued": ~Q(status="voided"),
    "redeemed": Q(status__in=USED_STATUSES),
    "verified": Q(status__in=VERIFIED_STATUSES),
    "reimbursed": Q(status="reimbursed"),
}


def current_batch(today: dt.date | None = None) -> VoucherBatch | None:
    """The open batch of this year, else the latest open one, else the latest one."""
    today = today or timezone.localdate()
    batches = VoucherBatch.objects.order_by("-year", "-id")
    return (
        batches.filter(status=VoucherBatch.Status.OPEN, year=today.year).first()
        or batches.filter(status=VoucherBatch.Status.OPEN).first()
        or batches.first()
    )


def batch_years() -> list[int]:
    """The years that have a batch, newest first."""
    return list(VoucherBatch.objects.order_by("-year").values_list("year", flat=True).distinct())


def open_batch_for_applications(today: dt.date | None = None) -> VoucherBatch | None:
    today = today or timezone.localdate()
    return (
        VoucherBatch.objects.filter(
            status=VoucherBatch.Status.OPEN,
            applications_open_on__lte=today,
            applications_close_on__gte=today,
        )
        .order_by("-year", "-id")
        .first()
    )


def live_application(batch: VoucherBatch, person: Person) -> Application | None:
    return (
        Application.objects.filter(batch=batch, person=person)
        .exclude(status=Application.Status.REJECTED)
        .first()
    )


def household_applied(batch: VoucherBatch, key: str) -> bool:
    """Whether the household (its blind index) has a live application in the batch."""
    return (
        Application.objects.filter(batch=batch, household_key=key)
        .exclude(status=Application.Status.REJECTED)
        .exists()
    )


def application_lookup(number: str, id_number: str) -> Application | None:
    """The resident's status lookup: both the application number and the ID number must match."""
    number = (number or "").strip().upper().replace(" ", "")
    person = Person.objects.by_id_number(normalize_id(id_number or "")).first()
    if not number or person is None:
        return None
    return (
        Application.objects.select_related("batch", "target_group", "street", "person")
        .filter(number=number, person=person)
        .first()
    )


def applications_for_user(user) -> QuerySet[Application]:
    qs = Application.objects.select_related(
        "batch", "person", "street", "target_group", "decided_by", "entered_by"
    )
    return qs if is_staff_member(user) else qs.none()


def vouchers_for_user(user) -> QuerySet[Voucher]:
    qs = Voucher.objects.select_related(
        "batch",
        "person",
        "agency",
        "application",
        "application__street",
        "application__target_group",
        "service",
        "service__worker__person",
        "service__kind",
        "settlement",
    )
    if is_staff_member(user):
        return qs
    if is_agency_user(user) and user_agency_id(user):
        # Without a membership agency_id=None would match every voucher not yet chosen.
        return qs.filter(agency_id=user_agency_id(user))
    return qs.none()


def settlements_for_user(user) -> QuerySet[Settlement]:
    qs = Settlement.objects.select_related("batch", "agency", "created_by", "paid_by")
    if is_staff_member(user):
        return qs
    if is_agency_user(user):
        return qs.filter(agency_id=user_agency_id(user))
    return qs.none()


def agency_vouchers_search(qs: QuerySet[Voucher], term: str) -> QuerySet[Voucher]:
    """Vouchers whose holder's name or whose code (typed any way) contains ``term``."""
    term = (term or "").strip()
    if not term:
        return qs
    condition = Q(person__name__icontains=term)
    code = codes.normalize(term)
    if code:
        condition |= Q(code__icontains=code)
    return qs.filter(condition)


def status_counts(qs: QuerySet[Voucher]) -> dict[str, int]:
    return dict(qs.order_by().values_list("status").annotate(n=Count("pk")))


def live_voucher(application: Application) -> Voucher | None:
    """The household's live voucher on this application (a voided one is replaced by a new one
    on the same application, so it is not shown)."""
    return (
        Voucher.objects.filter(application=application)
        .exclude(status=Voucher.Status.VOIDED)
        .select_related("batch", "agency", "agency__street", "service", "service__kind")
        .order_by("-issued_at", "-id")
        .first()
    )


def agency_voucher_figures(agency: Agency) -> dict:
    """The agency's vouchers by step (its portal's summary): one aggregate over its rows."""
    return Voucher.objects.filter(agency=agency).aggregate(
        waiting=Count("pk", filter=Q(status=Voucher.Status.ISSUED)),
        redeemed=Count("pk", filter=Q(status=Voucher.Status.REDEEMED)),
        verified=Count("pk", filter=Q(status=Voucher.Status.VERIFIED)),
        reimbursed=Count("pk", filter=Q(status=Voucher.Status.REIMBURSED)),
        reimbursed_amount=Sum("face_value", filter=Q(status=Voucher.Status.REIMBURSED)),
    )


def service_by_key(agency: Agency, key: str) -> Service | None:
    if not key:
        return None
    return (
        Service.objects.select_related("voucher", "agency", "redeemed_by", "worker__person", "kind")
        .filter(agency=agency, idempotency_key=key)
        .first()
    )


# --- eligible agencies (机构筛选) ----------------------------------------------------------------


def _last_inspection():
    return Subquery(agency_selectors.inspected_standings(OuterRef("pk")).values("inspection")[:1])


def eligible_agencies(
    batch: VoucherBatch, *, street=None, business_format=None
) -> QuerySet[Agency]:
    """Registered (so not suspended or deregistered), in the batch's programme, and not failed at
    its latest annual inspection; optionally in one street and offering one service."""
    agencies = (
        agency_selectors.registered_agencies()
        .filter(
            Exists(Participation.objects.filter(batch=batch, agency=OuterRef("pk"), active=True))
        )
        .annotate(last_inspection=_last_inspection())
        # Never inspected (NULL) is eligible: a bare exclude() would drop NULL rows in SQL.
        .filter(
            Q(last_inspection__isnull=True) | ~Q(last_inspection=AgencyStanding.Inspection.FAILED)
        )
        .select_related("street")
        .prefetch_related("formats")
        .order_by("street__sort_order", "name")
    )
    if street is not None:
        agencies = agencies.filter(street=street)
    if business_format is not None:
        agencies = agencies.filter(formats=business_format)
    return agencies


def with_last_inspection(participations: QuerySet[Participation]) -> QuerySet[Participation]:
    """Participations with their agency's latest annual inspection and its year, so a list
    shows each one's eligibility (participation_eligibility) without a query per row."""
    latest = agency_selectors.inspected_standings(OuterRef("agency"))
    return participations.annotate(
        last_inspection=Subquery(latest.values("inspection")[:1]),
        last_inspection_year=Subquery(latest.values("year")[:1]),
    )


def participation_eligibility(participation: Participation) -> tuple[bool, str]:
    """agency_eligibility for one row of with_last_inspection(): the same rules and reasons."""
    agency = participation.agency
    if agency.status != Agency.Status.REGISTERED:
        return False, _("%(agency)s is %(status)s and cannot serve voucher holders.") % {
            "agency": agency.name,
            "status": agency.get_status_display(),
        }
    if not participation.active:
        return False, _("%(agency)s does not take part in the voucher programme.") % {
            "agency": agency.name
        }
    if participation.last_inspection == AgencyStanding.Inspection.FAILED:
        return False, _("%(agency)s failed its %(year)s annual inspection.") % {
            "agency": agency.name,
            "year": participation.last_inspection_year,
        }
    return True, ""


def agency_eligibility(batch: VoucherBatch, agency: Agency) -> tuple[bool, str]:
    if agency.status != Agency.Status.REGISTERED:
        return False, _("%(agency)s is %(status)s and cannot serve voucher holders.") % {
            "agency": agency.name,
            "status": agency.get_status_display(),
        }
    if not Participation.objects.filter(batch=batch, agency=agency, active=True).exists():
        return False, _("%(agency)s does not take part in the voucher programme.") % {
            "agency": agency.name
        }
    last = agency_selectors.latest_failed_inspection(agency)
    if last is not None:
        return False, _("%(agency)s failed its %(year)s annual inspection.") % {
            "agency": agency.name,
            "year": last.year,
        }
    return True, ""


# --- settlement ----------------------------------------------------------------------------------


def settleable_vouchers(batch: VoucherBatch, agency: Agency, month: dt.date) -> QuerySet[Voucher]:
    end = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return Voucher.objects.filter(
        batch=batch,
        agency=agency,
        status=Voucher.Status.VERIFIED,
        settlement__isnull=True,
        service__service_date__lt=end,
    ).order_by("service__service_date", "pk")


def settlement_lines(settlement: Settlement) -> QuerySet[Voucher]:
    return (
        Voucher.objects.filter(settlement=settlement)
        .select_related("person", "service", "service__kind", "service__worker__person")
        .order_by("service__service_date", "pk")
    )


def statements_of_month(batch: VoucherBatch, month: dt.date) -> dict[int, Settlement]:
    """The month's statements already drawn up, by agency id."""
    return {s.agency_id: s for s in Settlement.objects.filter(batch=batch, month=month)}


def settlement_candidates(batch: VoucherBatch, month: dt.date) -> list[dict]:
    """Per agency: verified, unsettled vouchers up to the month's end (what a statement would hold)."""
    end = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return list(
        Voucher.objects.filter(
            batch=batch,
            status=Voucher.Status.VERIFIED,
            settlement__isnull=True,
            service__service_date__lt=end,
        )
        .values("agency_id", "agency__name")
        .annotate(vouchers=Count("pk"), amount=Sum("face_value"))
        .order_by("agency__name")
    )


# --- progress (应发尽发) -------------------------------------------------------------------------


def _status_sums(qs: QuerySet[Voucher]) -> dict:
    zero = Decimal("0.00")
    out = qs.aggregate(
        **{stage: Count("pk", filter=q) for stage, q in STAGES.items()},
        **{f"{stage}_amount": Sum("face_value", filter=q) for stage, q in STAGES.items()},
        voided=Count("pk", filter=Q(status="voided")),
    )
    return {k: (v if v is not None else zero) for k, v in out.items()}


def _grouped(batches: Q, field: str, label: str) -> list[dict]:
    """The vouchers of the batches (``batches`` filters Voucher and Application rows through
    their batch) and their live applications by ``field``: two queries whatever the data."""
    rows = (
        Voucher.objects.filter(batches)
        .values(field, label)
        .annotate(
            **{stage: Count("pk", filter=q) for stage, q in STAGES.items()},
            issued_amount=Sum("face_value", filter=STAGES["issued"]),
            reimbursed_amount=Sum("face_value", filter=STAGES["reimbursed"]),
        )
        .order_by(field)
    )
    own, own_label = field.replace("application__", ""), label.replace("application__", "")
    applications = {
        row[own]: row
        for row in Application.objects.filter(batches)
        .exclude(status=Application.Status.REJECTED)
        .values(own, own_label)
        .annotate(n=Count("pk"))
        .order_by(own)
    }
    zero = Decimal("0.00")
    out = []
    for row in rows:
        applied = applications.pop(row[field], None)
        out.append(
            {
                "id": row[field],
                "name": row[label],
                "applications": applied["n"] if applied else 0,
                "issued": row["issued"],
                "issued_amount": row["issued_amount"] or zero,
                "redeemed": row["redeemed"],
                "verified": row["verified"],
                "reimbursed": row["reimbursed"],
                "reimbursed_amount": row["reimbursed_amount"] or zero,
            }
        )
    for key, applied in applications.items():  # applied, no voucher yet: still a row
        out.append(
            {
                "id": key,
                "name": applied[own_label],
                "applications": applied["n"],
                **dict.fromkeys(("issued", "redeemed", "verified", "reimbursed"), 0),
                "issued_amount": zero,
                "reimbursed_amount": zero,
            }
        )
    return out


def _application_counts(batches: Q) -> dict:
    return Application.objects.filter(batches).aggregate(
        total=Count("pk", filter=~Q(status="rejected")),
        waiting=Count("pk", filter=Q(status="submitted")),
        approved=Count("pk", filter=Q(status="approved")),
        rejected=Count("pk", filter=Q(status="rejected")),
    )


def progress(batch: VoucherBatch | None = None) -> dict | None:
    """Issued, redeemed, verified and reimbursed against the batch's count and value; by target
    group and by street. Every figure is an SQL aggregate over the voucher rows."""
    batch = batch or current_batch()
    if batch is None:
        return None
    scope = Q(batch=batch)
    sums = _status_sums(Voucher.objects.filter(scope))

    def pct(part, whole) -> float:
        return round(float(part) * 100 / float(whole), 2) if whole else 0.0

    return {
        "batch": batch,
        "count": batch.count,
        "total": batch.total,
        "face_value": batch.face_value,
        **sums,
        "remaining": batch.count - sums["issued"],
        "remaining_amount": batch.total - sums["issued_amount"],
        "applications": _application_counts(scope),
        "percent": {
            "issued": pct(sums["issued"], batch.count),
            "redeemed": pct(sums["redeemed"], batch.count),
            "verified": pct(sums["verified"], batch.count),
            "reimbursed": pct(sums["reimbursed"], batch.count),
            "issued_amount": pct(sums["issued_amount"], batch.total),
            "reimbursed_amount": pct(sums["reimbursed_amount"], batch.total),
        },
        "by_group": _grouped(scope, "application__target_group", "application__target_group__name"),
        "by_street": _grouped(scope, "application__street", "application__street__name"),
    }


def year_progress(year: int) -> dict:
    """``progress`` over every batch of the year (the annual report): the same figures by the
    same definitions, the caps summed over the year's batches (``count``, ``total``; None when
    the year has no batch) and ``batches``, how many. Six queries whatever the data."""
    caps = VoucherBatch.objects.filter(year=year).aggregate(
        count=Sum("count"), total=Sum("total"), batches=Count("pk")
    )
    scope = Q(batch__year=year)
    return {
        "year": year,
        **caps,
        **_status_sums(Voucher.objects.filter(scope)),
        "applications": _application_counts(scope),
        "by_group": _grouped(scope, "application__target_group", "application__target_group__name"),
        "by_street": _grouped(scope, "application__street", "application__street__name"),
    }


def public_target_groups() -> QuerySet[TargetGroup]:
    """The groups whose households may apply, as the public page lists them."""
    return TargetGroup.objects.filter(active=True).order_by("sort_order", "pk")


# --- spot checks (抽查核实): the population the inspections app samples from ---------------------

SPOT_CHECKED_STATUSES = ("redeemed", "verified", "reimbursed")


def vouchers_served_between(start: dt.date, end: dt.date) -> QuerySet[Voucher]:
    """Redeemed, verified or reimbursed vouchers whose home service fell within [start, end]."""
    return Voucher.objects.filter(
        status__in=SPOT_CHECKED_STATUSES,
        service__service_date__gte=start,
        service__service_date__lte=end,
    ).order_by("pk")


# 结算台账: the settlement ledger lives in ledger.py; other apps read it here.
from .ledger import DEFINITIONS as SETTLEMENT_LEDGER_DEFINITIONS  # noqa: E402, F401
from .ledger import settlement_ledger  # noqa: E402, F401
