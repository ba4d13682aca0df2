"""The agencies area's figures for the staff home page: the plan's yearly targets and the
reviewers' waiting work. Reads, like selectors.py, kept apart as the dashboard's figures."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Agency, EmployeeSystemFiling, Recognition
from .selectors import policy_for_year


@dataclass(frozen=True)
class Target:
    label: str
    actual: int
    minimum: int
    maximum: int

    @property
    def reached(self) -> bool:
        return self.actual >= self.minimum

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.actual / self.minimum)) if self.minimum else 100


def yearly_targets(year: int | None = None) -> list[Target]:
    """The plan's yearly targets: "每年新增家服机构5-10家，认定社区家庭服务站3-5个" (stations
    only: a centre is not a station and has its own figure) and "力争打造包头市特色家政服务品牌
    1-2户". Recognitions granted that year and not revoked count."""
    year = year or timezone.localdate().year
    policy = policy_for_year(year)
    new_agencies = Agency.objects.filter(registered_on__year=year).count()
    granted = Recognition.objects.filter(year=year, status=Recognition.Status.VALID).aggregate(
        stations=Count("pk", filter=Q(kind=Recognition.Kind.STATION)),
        centres=Count("pk", filter=Q(kind=Recognition.Kind.CENTRE)),
        city_brands=Count("pk", filter=Q(kind=Recognition.Kind.CITY_BRAND)),
    )
    return [
        Target(
            _("Agencies newly registered this year"),
            new_agencies,
            policy.target_new_agencies_min,
            policy.target_new_agencies_max,
        ),
        Target(
            _("Community family service stations recognised this year"),
            granted["stations"],
            policy.target_stations_min,
            policy.target_stations_max,
        ),
        Target(
            _("Community family service centres recognised this year"),
            granted["centres"],
            policy.target_centres_min,
            policy.target_centres_max,
        ),
        Target(
            _("Baotou distinctive home-service brands recognised this year"),
            granted["city_brands"],
            policy.target_city_brands_min,
            policy.target_city_brands_max,
        ),
    ]


def work_queue_counts() -> dict[str, int]:
    """Items waiting for a reviewer, for the staff home page."""
    agencies = Agency.objects.aggregate(
        applying=Count("pk", filter=Q(status=Agency.Status.APPLYING)),
        registered=Count("pk", filter=Q(status=Agency.Status.REGISTERED)),
    )
    filings = EmployeeSystemFiling.objects.filter(
        status=EmployeeSystemFiling.Status.SUBMITTED
    ).count()
    return {**agencies, "filings_waiting": filings}
