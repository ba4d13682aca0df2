"""Reads of the subsidies area that depend on who asks; agency scoping happens here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from agencies import selectors as agency_selectors
from agencies.models import Agency
from agencies.permissions import user_agency_id
from kunqu_jiafu.accounts.roles import is_agency_user, is_staff_member
from training import selectors as training_selectors

from . import rules

if TYPE_CHECKING:
    from training.models import Enrolment

from .models import AwardPolicy, Claim, ClaimSubject, ClaimType, Notice, ParameterFlag, SpecialFund


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


def award_policy(year: int) -> AwardPolicy:
    """The year's award settings, or an unsaved row with the defaults."""
    return AwardPolicy.objects.filter(year=year).first() or AwardPolicy(year=year)


def award_policies_by_year() -> dict[int, AwardPolicy]:
    """Every year's entered award settings (a year without a row reads ``award_policy``)."""
    return {policy.year: policy for policy in AwardPolicy.objects.all()}


def award_settings(policy: AwardPolicy) -> rules.AwardSettings:
    return rules.AwardSettings(
        one_award_a_year=policy.awards_per_year == AwardPolicy.Limit.ONE,
        yearly_total=policy.yearly_total,
        basic_pass_counts=policy.basic_pass_counts,
    )


def _inspection_facts(standing, policy: AwardPolicy) -> dict[str, bool]:
    """合格 passes; 基本合格 passes only when the year's award settings say so."""
    basic = standing.inspection == standing.Inspection.BASICALLY_PASSED
    return {
        "inspection_passed": standing.inspection == standing.Inspection.PASSED
        or (basic and policy.basic_pass_counts),
        "inspection_basic_only": basic and not policy.basic_pass_counts,
    }


def _filed(agency: Agency, period: str | None) -> bool:
    """Filed on every day of the claim period (agencies.selectors.filing_valid_on); without a
    period (the catalogue, before a claim exists), filed today."""
    if period is None:
        return agency_selectors.agency_is_filed(agency)
    return agency_selectors.filing_valid_on(agency, *rules.period_dates(period))


def agency_facts(agency: Agency, year: int, period: str | None = None) -> rules.AgencyFacts:
    standing = agency_selectors.standing_for(agency, year)
    policy = award_policy(year)
    kinds, granted = agency_selectors.recognition_kinds(agency, year)
    return rules.AgencyFacts(
        registered=agency.status == Agency.Status.REGISTERED,
        suspended=agency.status == Agency.Status.SUSPENDED,
        filed_employee_system=_filed(agency, period),
        **_inspection_facts(standing, policy),
        rating_excellent=standing.rating == standing.Rating.EXCELLENT,
        recognitions=kinds,
        recognitions_granted_this_year=granted,
        enterprise_size=agency_selectors.agency_enterprise_size(agency),
    )


def agency_facts_by_year(agency: Agency, years) -> dict[int, rules.AgencyFacts]:
    """``agency_facts`` for several policy years in a fixed number of queries (for lists)."""
    years = sorted(set(years))
    if not years:
        return {}
    standings = agency_selectors.standings_by_year(agency, years)
    policies = {p.year: p for p in AwardPolicy.objects.filter(year__in=years)}
    recognitions = agency_selectors.recognition_kinds_by_year(agency, years)
    filed = agency_selectors.agency_is_filed(agency)
    size = agency_selectors.agency_enterprise_size(agency)
    facts = {}
    for year in years:
        standing = standings[year]
        valid, granted = recognitions[year]
        facts[year] = rules.AgencyFacts(
            registered=agency.status == Agency.Status.REGISTERED,
            suspended=agency.status == Agency.Status.SUSPENDED,
            filed_employee_system=filed,
            **_inspection_facts(standing, policies.get(year) or AwardPolicy(year=year)),
            rating_excellent=standing.rating == standing.Rating.EXCELLENT,
            recognitions=valid,
            enterprise_size=size,
            recognitions_granted_this_year=granted,
        )
    return facts


def size_basis_for(agency: Agency, claim_type: ClaimType) -> dict | None:
    """For a claim type open to medium, small and micro enterprises only (援企稳岗), the
    agency's recorded enterprise size and its basis, shown on the claim form; None for other
    types."""
    if claim_type.eligibility != "small_medium_micro":
        return None
    size = agency_selectors.agency_enterprise_size(agency)
    return {
        "label": agency_selectors.enterprise_size_label(size),
        "recorded": size is not None,
        "staff": agency.size_staff,
        "revenue": agency.size_revenue,
        "year": agency.size_year,
    }


def eligibility_for(
    agency: Agency,
    claim_type: ClaimType,
    facts: rules.AgencyFacts | None = None,
    period: str | None = None,
) -> list[str]:
    """Reasons the agency may not claim this type (for the claim ``period`` when given);
    pass ``facts`` (from ``agency_facts_by_year``) to check a whole list without a query
    per type."""
    if facts is None:
        facts = agency_facts(agency, claim_type.policy_year, period)
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


def notices_failed_count() -> int:
    """Notices whose PDF could not be made after every retry: staff regenerate them."""
    return Notice.objects.filter(document__isnull=True, render_failed_at__isnull=False).count()


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
    if (claim_type.parameters or {}).get("subject_kind") == ClaimSubject.Kind.CERTIFICATE:
        return training_selectors.certificates_issued_in(agency, year)
    return training_selectors.enrolments_completed_in(agency, year)


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
    certificates = (claim_type.parameters or {}).get(
        "subject_kind"
    ) == ClaimSubject.Kind.CERTIFICATE
    record = "certificate_id" if certificates else "enrolment_id"
    taken = set(
        ClaimSubject.objects.filter(claim_type=claim_type, live=True)
        .exclude(**{record: None})
        .values_list(record, flat=True)
    )
    return [
        training_record_label(claim_type, e)
        for e in training_records(agency, claim_type).order_by("course_id", "id")
        if e.pk not in taken
    ]


def subject_line(subject: ClaimSubject) -> str:
    """What the agency listed for the subject, to list it again: its enrolment or certificate
    number, or its order number (a person is listed by ID number, shown only masked)."""
    if subject.enrolment_id:
        return str(subject.enrolment_id)
    if subject.certificate_id:
        return subject.certificate.certificate_number
    return subject.order_number or subject.label


def subject_rows(claim: Claim, viewer=None) -> tuple[str, list[tuple[str, str, bool]]]:
    """The kind of the claim's subjects and (label, detail, live) of each, for the bureau's
    view: a person's detail is the ID number, in full or masked as the viewer may see it."""
    rows, kind = [], ""
    for subject in claim.subjects.select_related("person", "certificate").order_by("pk"):
        kind = subject.get_kind_display()
        if subject.person_id:
            person = subject.person
            detail = person.id_for(viewer) if viewer is not None else person.id_masked
        elif subject.fee_exemption_id:
            detail = subject.label
        else:
            detail = subject_line(subject)
        rows.append((subject.label or detail, detail, subject.live))
    return kind, rows


# --- awards and the parameters awaiting the bureau's confirmation -------------------------


def awards_granted(agency: Agency, year: int, exclude: Claim | None = None) -> rules.AwardsGranted:
    """The agency's awards of the policy year approved or paid (not revoked or refused)."""
    qs = Claim.objects.filter(
        agency=agency,
        claim_type__policy_year=year,
        claim_type__eligibility__in=rules.AWARD_RULES,
        status__in=[Claim.Status.APPROVED, Claim.Status.PAID],
    )
    if exclude is not None and exclude.pk:
        qs = qs.exclude(pk=exclude.pk)
    rows = list(qs.values_list("claim_type__name", "approved_amount"))
    return rules.AwardsGranted(
        names=tuple(name for name, _amount in rows),
        total=sum((amount or Decimal("0.00") for _name, amount in rows), Decimal("0.00")),
    )


def claim_problems(claim: Claim, amount: Decimal | None = None) -> list[str]:
    """Why the claim may not go on now: the type's eligibility read again from today's records
    (a recognition revoked or a standing changed since submission stops it) and, for an award,
    the year's award settings. ``amount``: the amount about to be approved."""
    claim_type = claim.claim_type
    problems = eligibility_for(claim.agency, claim_type, period=claim.period)
    if claim_type.eligibility in rules.AWARD_RULES:
        settings = award_settings(award_policy(claim_type.policy_year))
        granted = awards_granted(claim.agency, claim_type.policy_year, exclude=claim)
        amount = claim.eligible_amount if amount is None else amount
        problems += rules.award_limit_problems(settings, granted, amount)
    return problems


def parameter_flags(claim_types) -> dict[int, list[ParameterFlag]]:
    """The flagged parameters of each claim type (confirmed or not), by claim type id."""
    flags: dict[int, list[ParameterFlag]] = {}
    for flag in ParameterFlag.objects.filter(claim_type__in=list(claim_types)).select_related(
        "claim_type", "confirmed_by"
    ):
        flags.setdefault(flag.claim_type_id, []).append(flag)
    return flags


def parameter_flags_for_user(user) -> QuerySet[ParameterFlag]:
    qs = ParameterFlag.objects.select_related("claim_type", "confirmed_by")
    return qs if is_staff_member(user) else qs.none()


def award_policies_for_user(user) -> QuerySet[AwardPolicy]:
    return AwardPolicy.objects.all() if is_staff_member(user) else AwardPolicy.objects.none()


# The plan's "一贴息七补贴一减免": one interest subsidy, seven grants, one exemption. The
# employee-system benefits (措施2) and 援企稳岗 (措施3) are other measures of the plan.
PLAN_HEADLINE = (
    (ClaimType.Group.INTEREST, 1),
    (ClaimType.Group.SEVEN, 7),
    (ClaimType.Group.EXEMPTION, 1),
)


def catalogue_headline(claim_types) -> dict:
    """How many open types sit under each of the plan's three headings, and whether they add
    up to 一贴息七补贴一减免 (the page says so only when they do)."""
    counts = {group: 0 for group in ClaimType.Group.values}
    for claim_type in claim_types:
        counts[claim_type.group] = counts.get(claim_type.group, 0) + 1
    return {
        "counts": [
            (ClaimType.Group(group).label, counts[group], expected)
            for group, expected in PLAN_HEADLINE
        ],
        "matches_plan": all(counts[group] == expected for group, expected in PLAN_HEADLINE),
        "others": [
            (ClaimType.Group(group).label, counts[group])
            for group in ClaimType.Group.values
            if group not in dict(PLAN_HEADLINE) and counts[group]
        ],
    }


def fee_exemptions_for_user(user):
    """The fee exemptions a user may read: staff see all, an agency its own claims', others none."""
    from .exemption_models import FeeExemption

    qs = FeeExemption.objects.select_related(
        "claim", "claim__agency", "street", "service_kind", "worker", "worker__person"
    )
    if is_staff_member(user):
        return qs
    if is_agency_user(user):
        return qs.filter(claim__agency_id=user_agency_id(user))
    return qs.none()


# --- spot checks (抽查核实): the populations the inspections app samples from ---------------------

SPOT_CHECKED_STATUSES = (Claim.Status.APPROVED, Claim.Status.PAID)


def claims_decided_between(
    claim_type_codes: list[str], start: dt.date, end: dt.date
) -> QuerySet[Claim]:
    """Approved or paid claims of the given types approved within [start, end], by id."""
    return Claim.objects.filter(
        status__in=SPOT_CHECKED_STATUSES,
        claim_type__code__in=claim_type_codes,
        decided_at__date__gte=start,
        decided_at__date__lte=end,
    ).order_by("pk")


def exemptions_served_between(start: dt.date, end: dt.date):
    """Counted fee exemptions served within [start, end] whose claim is approved or paid, by id."""
    from .exemption_models import FeeExemption

    return FeeExemption.objects.filter(
        live=True,
        claim__status__in=SPOT_CHECKED_STATUSES,
        service_date__gte=start,
        service_date__lte=end,
    ).order_by("pk")


def spot_check_claim_types() -> QuerySet[ClaimType]:
    """The claim types a spot check may sample (every type, newest policy year first)."""
    return ClaimType.objects.order_by("-policy_year", "code")


def claim_type_names(codes) -> dict[str, str]:
    """Each claim type code's name (the newest policy year's), for pages that list codes."""
    rows = ClaimType.objects.filter(code__in=list(codes)).order_by("policy_year")
    return dict(rows.values_list("code", "name"))


# 资金台账: the fund ledger and its exceptions live in ledger.py; other apps read them here.
from .ledger import DEFINITIONS as FUND_LEDGER_DEFINITIONS  # noqa: E402, F401
from .ledger import fund_exceptions, fund_ledger  # noqa: E402, F401
