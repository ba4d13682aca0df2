"""Every read of the agencies area that depends on who asks. Scoping happens here, once."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.accounts.roles import is_agency_user, is_staff_member

from . import rules
from .models import (
    Agency,
    AgencyMembership,
    AgencyPolicy,
    AgencyStanding,
    BusinessFormat,
    EmployeeSystemFiling,
    EnterpriseSize,
    EnterpriseSizeThreshold,
    Recognition,
    Street,
    Worker,
)
from .permissions import user_agency_id


def agency_users(agency: Agency):
    """The agency's active users: whom to notify about its records."""
    from kunqu_jiafu.accounts.models import User

    return User.objects.filter(agency_membership__agency=agency, is_active=True)


def agency_of_user(user) -> Agency | None:
    if not user.is_authenticated:
        return None
    membership = (
        AgencyMembership.objects.select_related("agency", "agency__street")
        .filter(user=user)
        .first()
    )
    return membership.agency if membership else None


def agencies_for_user(user) -> QuerySet[Agency]:
    qs = Agency.objects.select_related("street").prefetch_related("formats")
    if is_staff_member(user):
        return qs
    if is_agency_user(user):
        return qs.filter(pk=user_agency_id(user))
    return qs.none()


def workers_for_user(user) -> QuerySet[Worker]:
    qs = Worker.objects.select_related("person", "agency", "agency__street")
    if is_staff_member(user):
        return qs
    if is_agency_user(user):
        return qs.filter(agency_id=user_agency_id(user))
    return qs.none()


def recognitions_for_user(user) -> QuerySet[Recognition]:
    qs = Recognition.objects.select_related("agency", "kind")
    if is_staff_member(user):
        return qs
    if is_agency_user(user):
        return qs.filter(agency_id=user_agency_id(user))
    return qs.none()


def filings_for_user(user) -> QuerySet[EmployeeSystemFiling]:
    qs = EmployeeSystemFiling.objects.select_related("agency", "decided_by")
    if is_staff_member(user):
        return qs
    if is_agency_user(user):
        return qs.filter(agency_id=user_agency_id(user))
    return qs.none()


def policy_for_year(year: int | None = None) -> AgencyPolicy:
    """The year's policy; a year without its own row uses the latest earlier one's figures."""
    year = year or timezone.localdate().year
    policy = AgencyPolicy.objects.filter(year=year).first()
    if policy is not None:
        return policy
    previous = AgencyPolicy.objects.filter(year__lt=year).order_by("-year").first()
    if previous is None:
        return AgencyPolicy(year=year)
    previous.pk = None
    previous.year = year
    return previous  # unsaved: reading never writes


# Workers of an agency in any other status are red (suspended, deregistered, rejected).
WORKING_AGENCY_STATUSES = (Agency.Status.APPLYING, Agency.Status.REGISTERED)


def worker_status(
    worker: Worker, *, today: dt.date | None = None, policy: AgencyPolicy | None = None
):
    today = today or timezone.localdate()
    policy = policy or policy_for_year(today.year)
    return rules.worker_status(
        identity_ok=not worker.person.identity_problem,
        area_known=worker.person.area_known,
        agency_active=worker.agency.status in WORKING_AGENCY_STATUSES,
        health_check_on=worker.health_check_on,
        accident_insurance_until=worker.accident_insurance_until,
        today=today,
        health_check_valid_months=policy.health_check_valid_months,
    )


def health_check_valid_from(today: dt.date, months: int) -> dt.date:
    """The earliest health-check date still valid today (rules.worker_status in SQL terms)."""
    day = rules.add_months(today, -months)
    # add_months clamps month ends, so step to the exact boundary (a few days at most).
    while rules.add_months(day - dt.timedelta(days=1), months) >= today:
        day -= dt.timedelta(days=1)
    while rules.add_months(day, months) < today:
        day += dt.timedelta(days=1)
    return day


def status_condition(colour: str, *, today: dt.date, policy: AgencyPolicy) -> Q:
    """The derived green/yellow/red status as a database condition, as worker_status decides it."""
    not_red = Q(person__identity_problem="", agency__status__in=WORKING_AGENCY_STATUSES)
    valid_from = health_check_valid_from(today, policy.health_check_valid_months)
    if colour == rules.RED:
        return ~not_red
    if colour == rules.GREEN:
        return not_red & Q(
            person__area_known=True,
            health_check_on__gte=valid_from,
            accident_insurance_until__gte=today,
        )
    if colour == rules.YELLOW:
        return not_red & (
            Q(person__area_known=False)
            | Q(health_check_on__isnull=True)
            | Q(health_check_on__lt=valid_from)
            | Q(accident_insurance_until__isnull=True)
            | Q(accident_insurance_until__lt=today)
        )
    raise ValueError(colour)


def workers_by_status(
    workers: QuerySet[Worker],
    colour: str,
    *,
    today: dt.date | None = None,
    policy: AgencyPolicy | None = None,
) -> QuerySet[Worker]:
    """Filter by the derived status in the database; an unknown colour matches nothing."""
    if colour not in rules.STATUS_LABELS:
        return workers.none()
    today = today or timezone.localdate()
    policy = policy or policy_for_year(today.year)
    return workers.filter(status_condition(colour, today=today, policy=policy))


def worker_status_counts(
    workers: QuerySet[Worker],
    *,
    today: dt.date | None = None,
    policy: AgencyPolicy | None = None,
) -> dict[str, int]:
    """How many of ``workers`` are green, yellow and red, in one query."""
    today = today or timezone.localdate()
    policy = policy or policy_for_year(today.year)
    return workers.aggregate(
        **{
            colour: Count("pk", filter=status_condition(colour, today=today, policy=policy))
            for colour in rules.STATUS_LABELS
        }
    )


def active_workers(agency: Agency) -> QuerySet[Worker]:
    return Worker.objects.filter(agency=agency, left_on__isnull=True)


def filing_figures_for(agency: Agency, policy: AgencyPolicy | None = None) -> rules.FilingFigures:
    policy = policy or policy_for_year()
    facts = (
        rules.WorkerFacts(kind, start, end, insured)
        for kind, start, end, insured in active_workers(agency).values_list(
            "contract_kind", "contract_start", "contract_end", "social_insurance"
        )
    )
    return rules.filing_figures(
        facts,
        min_workers=policy.filing_min_workers,
        min_months=policy.filing_min_contract_months,
        today=timezone.localdate(),
    )


def live_filing(agency: Agency) -> EmployeeSystemFiling | None:
    return (
        EmployeeSystemFiling.objects.filter(agency=agency)
        .exclude(status=EmployeeSystemFiling.Status.REFUSED)
        .order_by("-submitted_at", "-id")
        .first()
    )


def standing_for(agency: Agency, year: int):
    """The agency's standing for the year, or an unsaved 'not inspected, not rated' one."""
    return AgencyStanding.objects.filter(agency=agency, year=year).first() or AgencyStanding(
        agency=agency, year=year
    )


def valid_recognitions(agency: Agency, year: int, kinds) -> QuerySet[Recognition]:
    """Recognitions of the given kinds valid at some point of the year (not revoked)."""
    import datetime as _dt

    start = _dt.date(year, 1, 1)
    return Recognition.objects.filter(
        agency=agency, kind__in=list(kinds), status=Recognition.Status.VALID, year__lte=year
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=start))


# Filings that applied for a time (a term from valid_from to valid_until, perhaps cut short).
FILING_IN_FORCE_STATUSES = (
    EmployeeSystemFiling.Status.FILED,
    EmployeeSystemFiling.Status.RENEWED,
    EmployeeSystemFiling.Status.LAPSED,
    EmployeeSystemFiling.Status.WITHDRAWN,
)


def filing_periods(agency: Agency) -> list[tuple[dt.date, dt.date]]:
    """The days the agency was (or will be) a filed employee-system enterprise."""
    rows = EmployeeSystemFiling.objects.filter(
        agency=agency, status__in=FILING_IN_FORCE_STATUSES, valid_from__isnull=False
    ).values_list("valid_from", "valid_until", "ended_on")
    periods = [(start, rules.filing_last_day(until, ended)) for start, until, ended in rows]
    return sorted((start, end) for start, end in periods if end >= start)


def filing_valid_on(agency: Agency, date_from: dt.date, date_to: dt.date | None = None) -> bool:
    """Whether the agency's employee-system filing was valid on EVERY day from date_from to
    date_to (a claim period; one day when date_to is omitted). A lapsed or withdrawn filing
    still counts for the days it was in force; a renewal continues it without a gap."""
    return rules.period_covered(filing_periods(agency), date_from, date_to or date_from)


def filing_in_force(agency: Agency) -> EmployeeSystemFiling | None:
    """The agency's filing with status 'filed' (its term may start after a renewed one's)."""
    return EmployeeSystemFiling.objects.filter(
        agency=agency, status=EmployeeSystemFiling.Status.FILED
    ).first()


def agency_is_filed(agency: Agency, on: dt.date | None = None) -> bool:
    """Whether the agency is a filed employee-system enterprise today (or on a day)."""
    return filing_valid_on(agency, on or timezone.localdate())


# --- enterprise size ----------------------------------------------------------------------


def size_thresholds() -> list[rules.SizeThreshold]:
    """The bureau's size thresholds (大/中/小型 lower bounds; 微型 is the rest), one query."""
    return [
        rules.SizeThreshold(size, staff, revenue)
        for size, staff, revenue in EnterpriseSizeThreshold.objects.values_list(
            "size", "min_staff", "min_revenue"
        )
    ]


def agency_enterprise_size(
    agency: Agency, thresholds: list[rules.SizeThreshold] | None = None
) -> str | None:
    """The agency's enterprise size code (large/medium/small/micro, EnterpriseSize), derived
    from its recorded basis (staff, yearly revenue) and the bureau's thresholds; None while
    the agency has not recorded its basis. 援企稳岗 (ui_refund) is for medium/small/micro."""
    if thresholds is None:
        thresholds = size_thresholds()
    return rules.enterprise_size(agency.size_staff, agency.size_revenue, thresholds)


def enterprise_size_label(size: str | None) -> str:
    if size is None:
        return str(_("not recorded"))
    return str(EnterpriseSize(size).label)


def size_threshold_rows() -> list[EnterpriseSizeThreshold]:
    """The thresholds as the bureau keeps them, largest size first, for display."""
    return list(EnterpriseSizeThreshold.objects.all())


def worker_records_of_people(agency: Agency, person_ids) -> dict[int, list[Worker]]:
    """Every record (current and past) of these people as workers of the agency, by person,
    latest hire first; for subsidies that check a worker month by month."""
    records: dict[int, list[Worker]] = {}
    for worker in Worker.objects.filter(agency=agency, person_id__in=list(person_ids)).order_by(
        "person_id", "-hired_on", "-id"
    ):
        records.setdefault(worker.person_id, []).append(worker)
    return records


# --- reads other areas make (subsidies) -------------------------------------------------------


def standings_by_year(agency: Agency, years) -> dict:
    """``standing_for`` for several years in one query: an unsaved 'not inspected, not rated'
    standing for a year without a row."""
    years = list(years)
    found = {s.year: s for s in AgencyStanding.objects.filter(agency=agency, year__in=years)}
    return {year: found.get(year) or AgencyStanding(agency=agency, year=year) for year in years}


def recognitions_in_force(agency: Agency) -> QuerySet[Recognition]:
    """The agency's recognitions that are not revoked or expired (status valid)."""
    return Recognition.objects.filter(
        agency=agency, status=Recognition.Status.VALID
    ).select_related("kind")


def recognition_kinds(agency: Agency, year: int) -> tuple[frozenset[str], frozenset[str]]:
    """(kinds valid at some point of the year, kinds granted in the year), not revoked."""
    valid = valid_recognitions(agency, year, Recognition.Kind.values).values_list("kind", flat=True)
    granted = Recognition.objects.filter(
        agency=agency, year=year, status=Recognition.Status.VALID
    ).values_list("kind", flat=True)
    return frozenset(valid), frozenset(granted)


def recognition_kinds_by_year(
    agency: Agency, years
) -> dict[int, tuple[frozenset[str], frozenset[str]]]:
    """``recognition_kinds`` for several years in one query (for lists): the same reading as
    ``valid_recognitions``."""
    rows = list(
        Recognition.objects.filter(agency=agency, status=Recognition.Status.VALID).values_list(
            "kind", "year", "valid_until"
        )
    )
    kinds = {}
    for year in years:
        start = dt.date(year, 1, 1)
        valid = frozenset(
            kind
            for kind, since, until in rows
            if since <= year and (until is None or until >= start)
        )
        kinds[year] = (valid, frozenset(kind for kind, since, _until in rows if since == year))
    return kinds


def workers_by_id_hash(agency: Agency, hashes) -> dict[str, Worker]:
    """The agency's worker records (current and past) of the people with these ID blind
    indexes, by blind index, with the person loaded."""
    return {
        worker.person.id_hash: worker
        for worker in Worker.objects.filter(
            agency=agency, person__id_hash__in=list(hashes)
        ).select_related("person", "agency")
    }


def agency_workers_by_id_hash(agency: Agency) -> dict[str, Worker]:
    """Every worker record of the agency by its person's ID blind index."""
    return {
        worker.person.id_hash: worker
        for worker in Worker.objects.filter(agency=agency).select_related("person", "agency")
    }


def active_streets() -> list:
    """The streets offered in forms and lists."""
    return list(street_choices())


def filing_awaiting_decision(agency: Agency) -> EmployeeSystemFiling | None:
    """The agency's employee-system filing submitted and not yet decided, if any."""
    return EmployeeSystemFiling.objects.filter(
        agency=agency, status=EmployeeSystemFiling.Status.SUBMITTED
    ).first()


# --- reads other apps make (training, vouchers): choices, lookups, current rows -------------------
# Every query another app makes on this app's models goes through a function here (or through
# the services for writes); tests/core/test_architecture.py checks it.


def street_choices() -> QuerySet[Street]:
    """The streets and towns in use, offered in forms and lists (in their usual order)."""
    return Street.objects.filter(active=True)


def all_streets() -> QuerySet[Street]:
    """Every street and town, in use or not: to look up one a record already names."""
    return Street.objects.all()


def all_agencies() -> QuerySet[Agency]:
    """Every agency, whatever its status: to look one up by id (rules are checked later)."""
    return Agency.objects.all()


def registered_agencies() -> QuerySet[Agency]:
    """Agencies registered now (not applying, suspended or deregistered)."""
    return Agency.objects.filter(status=Agency.Status.REGISTERED)


def agencies_by_id(ids) -> dict[int, Agency]:
    """The agencies with these ids, by id, in one query; an unknown id is left out."""
    return Agency.objects.in_bulk(list(ids))


def agency_now(pk: int) -> Agency:
    """The agency as it is in the database now (its status), not a caller's older copy."""
    return Agency.objects.get(pk=pk)


def worker_now(pk: int) -> Worker:
    """The worker record as it is now (its agency, leaving date, person), in one query."""
    return Worker.objects.select_related("person", "agency").get(pk=pk)


def all_formats() -> QuerySet[BusinessFormat]:
    """Every business format, in use or not: to look one up by id."""
    return BusinessFormat.objects.all()


def format_ids_of(agency: Agency) -> list[int]:
    """The ids of the business formats the agency offers (in use or not), in their usual order."""
    return list(agency.formats.values_list("pk", flat=True))


def format_choices(first: list[int] | None = None) -> QuerySet[BusinessFormat]:
    """The business formats in use; given ids (an agency's own formats) come first."""
    formats = BusinessFormat.objects.filter(active=True)
    if first is None:
        return formats
    own = list(first)
    return formats.annotate(
        own=Case(When(pk__in=own, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("own", "sort_order", "pk")


def formats_of(agency: Agency) -> QuerySet[BusinessFormat]:
    """The business formats in use that the agency offers, in their usual order."""
    return agency.formats.filter(active=True).order_by("sort_order", "pk")


def inspected_standings(agency) -> QuerySet[AgencyStanding]:
    """The agency's standings with an annual inspection result, latest year first. ``agency``
    may be an ``OuterRef`` so a list annotates its rows in one query."""
    return (
        AgencyStanding.objects.filter(agency=agency)
        .exclude(inspection=AgencyStanding.Inspection.PENDING)
        .order_by("-year")
    )


def latest_failed_inspection(agency) -> AgencyStanding | None:
    """The agency's latest standing with an annual inspection result when that result is
    failed (不合格), else None: what the portal's inspections and vouchers pages tell the
    agency (until it passes, no awards and no voucher holders)."""
    latest = inspected_standings(agency).first()
    if latest is not None and latest.inspection == AgencyStanding.Inspection.FAILED:
        return latest
    return None


def memberships_by_username(usernames) -> dict[str, AgencyMembership]:
    """The agency memberships of these users, by username, with the agency and user loaded
    (demo data finds the demo agencies' accounts this way)."""
    return {
        membership.user.username: membership
        for membership in AgencyMembership.objects.select_related("agency", "user").filter(
            user__username__in=list(usernames)
        )
    }


def recognitions_of_registered_agencies(kinds, year: int) -> QuerySet[Recognition]:
    """Recognitions of the given kinds (codes) held by agencies registered now and valid at
    some point of the year (not revoked or expired, granted by then, validity reaching into
    it): what the inspections area's annual round inspects."""
    start = dt.date(year, 1, 1)
    return Recognition.objects.filter(
        kind__in=list(kinds),
        status=Recognition.Status.VALID,
        year__lte=year,
        agency__status=Agency.Status.REGISTERED,
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=start))
