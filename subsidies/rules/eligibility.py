"""Eligibility: plain facts about the agency in, the reasons it may NOT claim out (empty =
may); and the awards' yearly settings (subsidies.models.AwardPolicy)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from .figures import yuan


@dataclass(frozen=True)
class AgencyFacts:
    registered: bool
    suspended: bool
    filed_employee_system: bool
    inspection_passed: bool
    rating_excellent: bool
    recognitions: frozenset[str]  # kinds valid in the claim year
    recognitions_granted_this_year: frozenset[str]
    # The inspection found 基本合格, which the year's award settings do not count as 合格.
    inspection_basic_only: bool = False
    # large/medium/small/micro (agencies.selectors.agency_enterprise_size); None: not recorded
    enterprise_size: str | None = None


# The plan's 奖补 "对考评合格的家庭服务社区中心（站）": a centre and a station are two awards.
CENTRE_KINDS = frozenset({"centre"})
STATION_KINDS = frozenset({"station"})
MARKET_KINDS = frozenset({"market"})
# 品牌称号 the plan names: 自治区家庭服务知名品牌 ("培育一批自治区家庭服务知名品牌"),
# 包头市特色家政服务品牌, 自治区"百户十强" and 领跑者企业 (codes as in
# fixtures/agencies_recognition_kinds.json).
BRAND_KINDS = frozenset({"regional_brand", "city_brand", "top_hundred", "frontrunner"})


def _registered(f: AgencyFacts) -> list[str]:
    if f.suspended:
        return [_("The agency is suspended: no subsidy can be claimed while it is")]
    if not f.registered:
        return [_("The agency is not registered (or was deregistered): no subsidy can be claimed")]
    return []


def _filed(f: AgencyFacts) -> list[str]:
    reasons = _registered(f)
    if not f.filed_employee_system:
        reasons.append(
            _(
                "Only for filed employee-system enterprises: file as an employee-system "
                "enterprise first"
            )
        )
    return reasons


def _inspection(f: AgencyFacts) -> list[str]:
    if f.inspection_passed:
        return []
    if f.inspection_basic_only:
        return [
            _(
                "This year's annual inspection found “basically passed”, which this year's "
                "award settings do not count as passing"
            )
        ]
    return [_("The agency must pass this year's annual inspection")]


def _centre(f: AgencyFacts) -> list[str]:
    reasons = _registered(f)
    if not f.recognitions & CENTRE_KINDS:
        reasons.append(_("Must be a recognised (not revoked) community family-service centre"))
    return reasons + _inspection(f)


def _station(f: AgencyFacts) -> list[str]:
    reasons = _registered(f)
    if not f.recognitions & STATION_KINDS:
        reasons.append(_("Must be a recognised (not revoked) community family-service station"))
    return reasons + _inspection(f)


def _market(f: AgencyFacts) -> list[str]:
    reasons = _registered(f)
    if not f.recognitions & MARKET_KINDS:
        reasons.append(_("Must be a recognised (not revoked) family-service market"))
    return reasons + _inspection(f)


def _excellent(f: AgencyFacts) -> list[str]:
    reasons = _registered(f)
    if not f.rating_excellent:
        reasons.append(_("Must be rated excellent in this year's performance rating"))
    return reasons


def _brand(f: AgencyFacts) -> list[str]:
    reasons = _registered(f)
    if not f.recognitions_granted_this_year & BRAND_KINDS:
        reasons.append(
            _(
                "Must have been granted a brand title this year (a well-known family-service "
                "brand of the region, a distinctive domestic-service brand of Baotou, the "
                "region's “top hundred, top ten” or a “frontrunner” enterprise)"
            )
        )
    return reasons


SMALL_MEDIUM_MICRO = frozenset({"medium", "small", "micro"})


def _small_medium_micro(f: AgencyFacts) -> list[str]:
    """援企稳岗: "对全区不裁员或少裁员的中小微家服企业"."""
    reasons = _registered(f)
    if f.enterprise_size is None:
        reasons.append(
            _("Record the enterprise size in the agency's details first (staff and revenue)")
        )
    elif f.enterprise_size not in SMALL_MEDIUM_MICRO:
        reasons.append(
            _(
                "Only for medium, small and micro enterprises; the agency is recorded as a "
                "large enterprise and cannot claim"
            )
        )
    return reasons


ELIGIBILITY: dict[str, Callable[[AgencyFacts], list[str]]] = {
    "registered": _registered,
    "filed_employee_system": _filed,
    "recognised_centre_passed": _centre,
    "recognised_station_passed": _station,
    "recognised_market_passed": _market,
    "rated_excellent": _excellent,
    "brand_this_year": _brand,
    "small_medium_micro": _small_medium_micro,
}


def eligibility_problems(rule: str, facts: AgencyFacts) -> list[str]:
    return ELIGIBILITY[rule](facts)


# --- awards: the year's settings (subsidies.models.AwardPolicy) ---------------------------

# The eligibility rules of the plan's awards "不超过10万元".
AWARD_RULES = frozenset(
    {
        "recognised_centre_passed",
        "recognised_station_passed",
        "recognised_market_passed",
        "rated_excellent",
        "brand_this_year",
    }
)


@dataclass(frozen=True)
class AwardSettings:
    one_award_a_year: bool = False  # default: one award of each kind a year
    yearly_total: Decimal | None = None  # default: no total
    basic_pass_counts: bool = False


@dataclass(frozen=True)
class AwardsGranted:
    """The agency's other awards of the policy year that were approved (or paid)."""

    names: tuple[str, ...] = ()
    total: Decimal = Decimal("0.00")


def award_limit_problems(
    settings: AwardSettings, granted: AwardsGranted, amount: Decimal
) -> list[str]:
    """Why one more award of ``amount`` may not go to the agency this year (empty = may).
    One award of each kind is held by the claim rule (one live claim per type and year)."""
    problems = []
    if settings.one_award_a_year and granted.names:
        problems.append(
            _(
                "This year's award settings allow one award per agency and year; already "
                "granted this year: %(names)s"
            )
            % {"names": "、".join(granted.names)}
        )
    if settings.yearly_total is not None and granted.total + amount > settings.yearly_total:
        left = max(Decimal("0.00"), settings.yearly_total - granted.total)
        problems.append(
            _(
                "This year's award settings allow at most %(total)s of awards per agency and "
                "year; granted this year %(granted)s, %(left)s left, this claim's %(amount)s is "
                "more"
            )
            % {
                "total": yuan(settings.yearly_total),
                "granted": yuan(granted.total),
                "left": yuan(left),
                "amount": yuan(amount),
            }
        )
    return problems
