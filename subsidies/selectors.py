"""Reads of the subsidies area that depend on who asks; agency scoping happens here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from agencies import selectors as agency_selectors
from agencies.models import Agency, Recognition
from agencies.permissions import user_agency_id
from kunqu_jiafu.accounts.roles import is_agency_user, is_staff_member
from training.models import Enrolment

from . import rules
from .models import Claim, ClaimSubject, ClaimType, Notice, SpecialFund


def claims_for_user(user) -> QuerySet[Claim]:
    qs = Claim.objects.select_related("agency", "agency__street", "claim_type", "fund")
    if is_staff_member(user):
        return qs
    if is_agency_user(user):
        return qs.filter(agency_id=user_agency_id(user))
    return qs.none()


def notices_for_user(user) -> QuerySet[Notice]:
    qs = Notice.objects.select_related("claim", "claim__agency", "document")
    if is_staff_member(user):
        return qs
    if is_agency_user(user):
        return qs.filter(claim__agency_id=user_agency_id(user))
    return qs.none()


def open_claim_types(year: int | None = None) -> QuerySet[ClaimType]:
    year = year or timezone.localdate().year
    return ClaimType.objects.filter(active=True, policy_year=year).order_by("sort_order", "code")


def agency_facts(agency: Agency, year: int) -> rules.AgencyFacts:
    standing = agency_selectors.standing_for(agency, year)
    kinds = frozenset(
        agency_selectors.valid_recognitions(agency, year, Recognition.Kind.values).values_list(
            "kind", flat=True
        )
    )
    granted = frozenset(
        Recognition.objects.filter(
            agency=agency, year=year, status=Recognition.Status.VALID
        ).values_list("kind", flat=True)
    )
    return rules.AgencyFacts(
        registered=agency.status == Agency.Status.REGISTERED,
        suspended=agency.status == Agency.Status.SUSPENDED,
        filed_employee_system=agency_selectors.agency_is_filed(agency),
        inspection_passed=standing.inspection_passed,
        rating_excellent=standing.rating == standing.Rating.EXCELLENT,
        recognitions=kinds,
        recognitions_granted_this_year=granted,
    )


def agency_facts_by_year(agency: Agency, years) -> dict[int, rules.AgencyFacts]:
    """``agency_facts`` for several policy years in a fixed number of queries (for lists)."""
    years = sorted(set(years))
    if not years:
        return {}
    from agencies.models import AgencyStanding

    standings = {s.year: s for s in AgencyStanding.objects.filter(agency=agency, year__in=years)}
    valid = list(
        Recognition.objects.filter(agency=agency, status=Recognition.Status.VALID).values_list(
            "kind", "year", "valid_until"
        )
    )
    filed = agency_selectors.agency_is_filed(agency)
    facts = {}
    for year in years:
        standing = standings.get(year) or AgencyStanding(agency=agency, year=year)
        start = dt.date(year, 1, 1)
        facts[year] = rules.AgencyFacts(
            registered=agency.status == Agency.Status.REGISTERED,
            suspended=agency.status == Agency.Status.SUSPENDED,
            filed_employee_system=filed,
            inspection_passed=standing.inspection_passed,
            rating_excellent=standing.rating == standing.Rating.EXCELLENT,
            # The same reading as agency_selectors.valid_recognitions.
            recognitions=frozenset(
                kind
                for kind, since, until in valid
                if since <= year and (until is None or until >= start)
            ),
            recognitions_granted_this_year=frozenset(
                kind for kind, since, _until in valid if since == year
            ),
        )
    return facts


def eligibility_for(
    agency: Agency, claim_type: ClaimType, facts: rules.AgencyFacts | None = None
) -> list[str]:
    """Reasons the agency may not claim this type; pass ``facts`` (from
    ``agency_facts_by_year``) to check a whole list without a query per type."""
    if facts is None:
        facts = agency_facts(agency, claim_type.policy_year)
    return rules.eligibility_problems(claim_type.eligibility, facts)


def funds_for_year(year: int) -> QuerySet[SpecialFund]:
    return SpecialFund.objects.filter(year=year).select_related("claim_type")


def funds_for_claim_type(claim_type: ClaimType) -> list[SpecialFund]:
    """The funds an approval of this type draws on: the year's general fund first, then
    the type's own fund if it has one."""
    funds = funds_for_year(claim_type.policy_year).filter(
        Q(claim_type__isnull=True) | Q(claim_type=claim_type)
    )
    return sorted(funds, key=lambda fund: fund.claim_type_id is not None)


def funds_for_user(user) -> QuerySet[SpecialFund]:
    """Every year's special funds for bureau staff and officials; nothing for anyone else."""
    qs = SpecialFund.objects.select_related("claim_type")
    return qs if is_staff_member(user) else qs.none()


def fund_summary(year: int | None = None) -> dict[str, Decimal]:
    year = year or timezone.localdate().year
    totals = SpecialFund.objects.filter(year=year, claim_type__isnull=True).aggregate(
        amount=Sum("amount"), committed=Sum("committed")
    )
    amount = totals["amount"] or Decimal("0")
    committed = totals["committed"] or Decimal("0")
    return {"amount": amount, "committed": committed, "remaining": amount - committed}


def review_queue_counts() -> dict[str, int]:
    return Claim.objects.aggregate(
        submitted=Count("pk", filter=Q(status=Claim.Status.SUBMITTED)),
        first_passed=Count("pk", filter=Q(status=Claim.Status.FIRST_PASSED)),
        approved=Count("pk", filter=Q(status=Claim.Status.APPROVED)),
    )


def current_period(claim_type: ClaimType, today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    year = claim_type.policy_year
    kind = claim_type.period_kind
    if kind == ClaimType.PeriodKind.YEAR:
        return str(year)
    if kind == ClaimType.PeriodKind.HALF:
        return f"{year}H{1 if today.month <= 6 else 2}"
    if kind == ClaimType.PeriodKind.QUARTER:
        return f"{year}Q{(today.month - 1) // 3 + 1}"
    return f"{year}-{today.month:02d}"


# --- training and certification subsidies: figures from the provider's records ----------


def from_training_records(claim_type: ClaimType) -> bool:
    """The type's subjects are the provider's enrolments or certificates, not typed figures."""
    return claim_type.calculator == "per_enrolment"


def training_records(agency: Agency, claim_type: ClaimType) -> QuerySet[Enrolment]:
    """The enrolments of the agency's own courses a claim of this type may list: completed in
    the policy year (training subsidy), or passed with a certificate issued in the policy year
    (certification subsidy; a certificate without a date counts in its course's year)."""
    year = claim_type.policy_year
    qs = Enrolment.objects.filter(course__provider=agency).select_related("course", "person")
    if (claim_type.parameters or {}).get("subject_kind") == ClaimSubject.Kind.CERTIFICATE:
        return (
            qs.filter(exam=Enrolment.Exam.PASSED)
            .exclude(certificate_number="")
            .filter(
                Q(certified_on__year=year) | Q(certified_on__isnull=True, course__policy_year=year)
            )
        )
    return qs.filter(completed=True, completed_on__year=year)


def training_record_key(claim_type: ClaimType, enrolment: Enrolment) -> str:
    if (claim_type.parameters or {}).get("subject_kind") == ClaimSubject.Kind.CERTIFICATE:
        return enrolment.certificate_number
    return str(enrolment.pk)


def training_record_label(claim_type: ClaimType, enrolment: Enrolment) -> str:
    """ "<key> <name>·<course>": the key first, so a line of the list can be pasted back."""
    key = training_record_key(claim_type, enrolment)
    return f"{key} {enrolment.person.name}·{enrolment.course.name}"[:120]


def unclaimed_training_records(agency: Agency, claim_type: ClaimType) -> list[str]:
    """Labels of the records the agency may still claim under this type (none claimed live)."""
    kind = (claim_type.parameters or {}).get("subject_kind")
    taken = set(
        ClaimSubject.objects.filter(claim_type=claim_type, kind=kind, live=True).values_list(
            "key", flat=True
        )
    )
    return [
        training_record_label(claim_type, e)
        for e in training_records(agency, claim_type).order_by("course_id", "id")
        if training_record_key(claim_type, e) not in taken
    ]
