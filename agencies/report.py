"""The annual report's agencies section (机构、站点与认定): registered agencies, new ones
against the plan's 5-10, stations against 3-5, city brands against 1-2, employee-system
filings, by street and by business format. Registered with the report's registry in
``AgenciesConfig.ready``; every figure is one SQL aggregate, the same at any size."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from kunqu_jiafu.reporting.registry import (
    INTEGER,
    Chart,
    Column,
    Figure,
    Section,
    SectionData,
    Series,
    Table,
)

from .models import Agency, BusinessFormat, EmployeeSystemFiling, Recognition, Street
from .selectors import policy_for_year

# Agencies that hold a registration (suspended ones keep it while suspended).
HOLDING = (Agency.Status.REGISTERED, Agency.Status.SUSPENDED)


def _changelist(name: str, **filters) -> str:
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    return reverse(f"admin:agencies_{name}_changelist") + (f"?{query}" if query else "")


def _agency_counts(year: int) -> dict[str, int]:
    end = dt.date(year, 12, 31)
    return Agency.objects.aggregate(
        holding=Count("pk", filter=Q(status__in=HOLDING, registered_on__lte=end)),
        new=Count("pk", filter=Q(registered_on__year=year)),
        alliance=Count(
            "pk",
            filter=Q(status__in=HOLDING, alliance_member=True, alliance_joined_on__lte=end),
        ),
    )


def _recognitions(year: int) -> dict[str, int]:
    valid = Q(year=year, status=Recognition.Status.VALID)
    return Recognition.objects.aggregate(
        stations=Count("pk", filter=valid & Q(kind=Recognition.Kind.STATION)),
        centres=Count("pk", filter=valid & Q(kind=Recognition.Kind.CENTRE)),
        city_brands=Count("pk", filter=valid & Q(kind=Recognition.Kind.CITY_BRAND)),
        all=Count("pk", filter=valid),
    )


def _filings(year: int) -> int:
    return EmployeeSystemFiling.objects.filter(
        filed_on__year=year,
        status__in=(EmployeeSystemFiling.Status.FILED, EmployeeSystemFiling.Status.RENEWED),
    ).count()


def _by_street(year: int) -> list[tuple[str, int, int]]:
    end = dt.date(year, 12, 31)
    rows = Street.objects.annotate(
        holding=Count(
            "agencies", filter=Q(agencies__status__in=HOLDING, agencies__registered_on__lte=end)
        ),
        new=Count("agencies", filter=Q(agencies__registered_on__year=year)),
    ).order_by("sort_order", "code")
    return [(s.name, s.holding, s.new) for s in rows if s.holding or s.new or s.active]


def _by_format(year: int) -> list[tuple[str, int, int]]:
    end = dt.date(year, 12, 31)
    rows = BusinessFormat.objects.annotate(
        holding=Count(
            "agencies", filter=Q(agencies__status__in=HOLDING, agencies__registered_on__lte=end)
        ),
        new=Count("agencies", filter=Q(agencies__registered_on__year=year)),
    ).order_by("sort_order", "pk")
    return [(f.name, f.holding, f.new) for f in rows if f.holding or f.new or f.active]


def _recognition_figures(year: int, policy) -> list[Figure]:
    granted = _recognitions(year)
    return [
        Figure(
            "agencies.stations",
            _("Community family service stations recognised this year"),
            granted["stations"],
            pgettext("unit", "stations"),
            _("Valid station recognitions of the year. Plan: 每年认定社区家庭服务站3-5个."),
            target_min=policy.target_stations_min,
            target_max=policy.target_stations_max,
            link=_changelist("recognition", kind__code__exact="station", year__exact=year),
        ),
        Figure(
            "agencies.centres",
            _("Community family service centres recognised this year"),
            granted["centres"],
            pgettext("unit", "centres"),
            _("Valid centre recognitions of the year."),
            # A year without a centre target (0-0) shows the count for reference only.
            target_min=policy.target_centres_min if policy.target_centres_max else None,
            target_max=policy.target_centres_max or None,
            link=_changelist("recognition", kind__code__exact="centre", year__exact=year),
        ),
        Figure(
            "agencies.city_brands",
            _("Baotou distinctive home-service brands recognised this year"),
            granted["city_brands"],
            pgettext("unit", "brands"),
            _(
                "Valid city-brand recognitions of the year. Plan: 力争打造包头市特色家政服务品牌1-2户."
            ),
            target_min=policy.target_city_brands_min,
            target_max=policy.target_city_brands_max,
            link=_changelist("recognition", kind__code__exact="city_brand", year__exact=year),
        ),
        Figure(
            "agencies.recognitions",
            _("Recognitions and titles granted this year"),
            granted["all"],
            pgettext("unit", "items"),
            _("Valid recognitions of every kind whose year is the year."),
            link=_changelist("recognition", year__exact=year, status__exact="valid"),
        ),
    ]


def _figures(year: int) -> list[Figure]:
    policy = policy_for_year(year)
    counts = _agency_counts(year)
    registered = Agency.Status.REGISTERED
    return [
        Figure(
            "agencies.holding",
            _("Registered agencies at the end of the year"),
            counts["holding"],
            pgettext("unit", "agencies"),
            _(
                "Agencies registered (or suspended) whose registration date is on or before 31 December."
            ),
            link=_changelist("agency", status__exact=registered),
        ),
        Figure(
            "agencies.new",
            _("Agencies newly registered this year"),
            counts["new"],
            pgettext("unit", "agencies"),
            _("Agencies whose registration date falls in the year. Plan: 每年新增家服机构5-10家."),
            target_min=policy.target_new_agencies_min,
            target_max=policy.target_new_agencies_max,
            link=_changelist("agency", registered_year=year),
        ),
        *_recognition_figures(year, policy),
        Figure(
            "agencies.filings",
            _("Employee-system enterprises filed this year"),
            _filings(year),
            pgettext("unit", "enterprises"),
            _(
                "Employee-system filings accepted (filed or renewed) with a filing date in the year."
            ),
            link=_changelist("employeesystemfiling", submitted_year=year),
        ),
        Figure(
            "agencies.alliance",
            _("Members of the agency alliance"),
            counts["alliance"],
            pgettext("unit", "agencies"),
            _("Registered agencies that joined the alliance on or before 31 December."),
            link=_changelist("agency", alliance_member__exact=1),
        ),
    ]


def compute(year: int) -> SectionData:
    streets = _by_street(year)
    formats = _by_format(year)
    columns = (
        Column(_("Street or town")),
        Column(_("Registered at year end"), pgettext("unit", "agencies"), INTEGER),
        Column(_("New this year"), pgettext("unit", "agencies"), INTEGER),
    )
    tables = [
        Table("agencies.by_street", _("Agencies by street"), columns, streets, total=True),
        Table(
            "agencies.by_format",
            _("Agencies by business format"),
            (Column(_("Business format")), *columns[1:]),
            formats,
            definition=_("An agency with several business formats counts under each of them."),
        ),
    ]
    charts = [
        Chart(
            "agencies.by_street",
            _("Agencies by street"),
            [row[0] for row in streets],
            [
                Series(_("Registered at year end"), [row[1] for row in streets]),
                Series(_("New this year"), [row[2] for row in streets]),
            ],
            unit=pgettext("unit", "agencies"),
        ),
        Chart(
            "agencies.by_format",
            _("Registered agencies by business format"),
            [row[0] for row in formats],
            [Series(_("Registered at year end"), [row[1] for row in formats])],
            unit=pgettext("unit", "agencies"),
            kind="hbar",
        ),
    ]
    return SectionData(figures=_figures(year), tables=tables, charts=charts)


SECTION = Section(
    key="agencies",
    title=gettext_lazy("Agencies, stations and recognitions"),
    order=10,
    compute=compute,
)
