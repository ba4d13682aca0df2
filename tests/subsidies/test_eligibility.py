"""Who may claim what: the pure eligibility rules, and the facts read from agencies."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from agencies import services as agency_services
from agencies.models import Agency, AgencyStanding, Recognition
from subsidies import rules, selectors
from tests import factories
from tests.subsidies.core_builders import YEAR, claim_type, file_employee_system

GOOD = rules.AgencyFacts(
    registered=True,
    suspended=False,
    filed_employee_system=True,
    inspection_passed=True,
    rating_excellent=True,
    recognitions=frozenset({"centre", "station", "market"}),
    recognitions_granted_this_year=frozenset({"city_brand"}),
    enterprise_size="small",
)


def problems(rule: str, **changes) -> list[str]:
    return rules.eligibility_problems(rule, dataclasses.replace(GOOD, **changes))


@pytest.mark.parametrize("rule", sorted(rules.ELIGIBILITY))
def test_an_agency_meeting_every_condition_may_claim_under_every_rule(rule):
    assert rules.eligibility_problems(rule, GOOD) == []


@pytest.mark.parametrize("rule", sorted(rules.ELIGIBILITY))
def test_a_suspended_agency_may_claim_nothing(rule):
    reasons = problems(rule, registered=False, suspended=True)
    assert any("暂停" in r for r in reasons)


@pytest.mark.parametrize("rule", sorted(rules.ELIGIBILITY))
def test_an_unregistered_agency_may_claim_nothing(rule):
    reasons = problems(rule, registered=False)
    assert any("尚未登记" in r for r in reasons)


def test_employee_system_benefits_need_a_filing():
    reasons = problems("filed_employee_system", filed_employee_system=False)
    assert reasons == ["本项仅限已备案的员工制家政企业，请先完成员工制家政企业备案"]
    assert problems("registered", filed_employee_system=False) == []


def test_station_award_needs_a_recognised_station_that_passed_inspection():
    assert any("年检" in r for r in problems("recognised_station_passed", inspection_passed=False))
    no_station = problems("recognised_station_passed", recognitions=frozenset({"market"}))
    assert any("社区家庭服务站" in r for r in no_station)
    assert problems("recognised_station_passed", recognitions=frozenset({"station"})) == []


def test_centre_and_station_are_two_awards_each_needing_its_own_recognition():
    """ "对考评合格的家庭服务社区中心（站）…给予不超过10万元的奖补": a centre is not a station."""
    centre_only, station_only = frozenset({"centre"}), frozenset({"station"})
    assert problems("recognised_station_passed", recognitions=centre_only) == [
        "须为已认定（且未被撤销）的社区家庭服务站"
    ]
    assert problems("recognised_centre_passed", recognitions=station_only) == [
        "须为已认定（且未被撤销）的社区家庭服务中心"
    ]
    assert problems("recognised_centre_passed", recognitions=centre_only) == []


def test_station_award_lists_every_missing_condition():
    reasons = problems(
        "recognised_station_passed", inspection_passed=False, recognitions=frozenset()
    )
    assert len(reasons) == 2


def test_market_award_needs_a_recognised_market_that_passed_inspection():
    assert any(
        "专业市场" in r
        for r in problems("recognised_market_passed", recognitions=frozenset({"station"}))
    )
    assert any("年检" in r for r in problems("recognised_market_passed", inspection_passed=False))


def test_excellence_award_needs_an_excellent_rating():
    assert any("优秀" in r for r in problems("rated_excellent", rating_excellent=False))


def test_brand_award_needs_a_brand_title_granted_this_year():
    reasons = problems("brand_this_year", recognitions_granted_this_year=frozenset())
    assert any("品牌称号" in r for r in reasons)
    # A station recognised this year is not a brand title.
    assert (
        problems("brand_this_year", recognitions_granted_this_year=frozenset({"station"}))
        == reasons
    )
    for kind in ("regional_brand", "city_brand", "top_hundred", "frontrunner"):
        assert problems("brand_this_year", recognitions_granted_this_year=frozenset({kind})) == []
    # A training base is a recognition but not a brand title.
    assert (
        problems("brand_this_year", recognitions_granted_this_year=frozenset({"training_base"}))
        == reasons
    )


# --- facts read from the agencies area ----------------------------------------------------


def _recognise(agency, kind, year, **extra):
    return Recognition.objects.create(
        agency=agency,
        kind_id=kind,
        year=year,
        granted_on=dt.date(year, 4, 1),
        valid_until=extra.pop("valid_until", dt.date(year + 2, 3, 31)),
        **extra,
    )


def test_suspended_agency_is_told_it_is_suspended(org_a):
    org_a.status = Agency.Status.SUSPENDED
    org_a.save()
    reasons = selectors.eligibility_for(org_a, claim_type("loan_interest"))
    assert reasons == ["机构已被暂停，暂停期间不能申领补贴"]


@pytest.mark.parametrize("status", [Agency.Status.APPLYING, Agency.Status.DEREGISTERED])
def test_agency_not_registered_is_told_so(db, status):
    agency = factories.make_agency("未登记家政", status=status)
    reasons = selectors.eligibility_for(agency, claim_type("fee_exemption"))
    assert any("尚未登记" in r for r in reasons)


def test_registered_agency_may_claim_the_interest_subsidy(org_a):
    assert selectors.eligibility_for(org_a, claim_type("loan_interest")) == []


def test_employee_system_benefits_follow_the_filing(org_a):
    kind = claim_type("accident_insurance")
    assert selectors.eligibility_for(org_a, kind) != []
    file_employee_system(org_a)
    assert selectors.eligibility_for(org_a, kind) == []


def test_station_without_a_passed_inspection_is_refused_the_award(org_a, reviewer):
    kind = claim_type("station_award")
    _recognise(org_a, Recognition.Kind.STATION, YEAR)
    assert any("年检" in r for r in selectors.eligibility_for(org_a, kind))
    factories.record_standing(
        actor=reviewer, agency=org_a, year=YEAR, inspection="failed", rating="none"
    )
    assert any("年检" in r for r in selectors.eligibility_for(org_a, kind))
    # 基本合格 counts as 考评合格 only when the year's award settings say so (default: no).
    factories.record_standing(
        actor=reviewer, agency=org_a, year=YEAR, inspection="basically_passed", rating="none"
    )
    assert any("基本合格" in r for r in selectors.eligibility_for(org_a, kind))
    factories.record_standing(
        actor=reviewer, agency=org_a, year=YEAR, inspection="passed", rating="none"
    )
    assert selectors.eligibility_for(org_a, kind) == []


def test_last_years_inspection_does_not_count_for_this_year(org_a, reviewer):
    _recognise(org_a, Recognition.Kind.STATION, YEAR - 1)
    factories.record_standing(
        actor=reviewer, agency=org_a, year=YEAR - 1, inspection="passed", rating="excellent"
    )
    reasons = selectors.eligibility_for(org_a, claim_type("station_award"))
    assert any("年检" in r for r in reasons)
    assert not any("社区家庭服务中心" in r for r in reasons)  # last year's station still valid


def test_revoked_station_recognition_does_not_count(org_a, reviewer):
    _recognise(org_a, Recognition.Kind.STATION, YEAR, status=Recognition.Status.REVOKED)
    factories.record_standing(
        actor=reviewer, agency=org_a, year=YEAR, inspection="passed", rating="none"
    )
    reasons = selectors.eligibility_for(org_a, claim_type("station_award"))
    assert any("社区家庭服务站" in r for r in reasons)


def test_market_award_needs_the_market_recognition(org_a, reviewer):
    factories.record_standing(
        actor=reviewer, agency=org_a, year=YEAR, inspection="passed", rating="none"
    )
    kind = claim_type("market_award")
    assert any("专业市场" in r for r in selectors.eligibility_for(org_a, kind))
    _recognise(org_a, Recognition.Kind.MARKET, YEAR)
    assert selectors.eligibility_for(org_a, kind) == []


def test_excellence_award_follows_the_rating_of_the_year(org_a, reviewer):
    kind = claim_type("excellence_award")
    factories.record_standing(
        actor=reviewer, agency=org_a, year=YEAR, inspection="passed", rating="good"
    )
    assert any("优秀" in r for r in selectors.eligibility_for(org_a, kind))
    factories.record_standing(
        actor=reviewer, agency=org_a, year=YEAR, inspection="passed", rating="excellent"
    )
    assert selectors.eligibility_for(org_a, kind) == []


def test_brand_granted_this_year_qualifies_but_last_years_does_not(org_a, org_b):
    kind = claim_type("brand_award")
    _recognise(org_a, Recognition.Kind.CITY_BRAND, YEAR)
    _recognise(org_b, Recognition.Kind.CITY_BRAND, YEAR - 1)
    assert selectors.eligibility_for(org_a, kind) == []
    assert any("品牌称号" in r for r in selectors.eligibility_for(org_b, kind))


def test_regional_brand_title_counts_for_the_brand_award(org_a, org_b):
    # Plan: "培育一批自治区家庭服务知名品牌" and "对……获评品牌称号的机构给予不超过10万元的奖补资金支持":
    # 自治区家庭服务知名品牌 (code regional_brand in fixtures/agencies_recognition_kinds.json)
    # is a brand title.
    kind = claim_type("brand_award")
    _recognise(org_a, Recognition.Kind.REGIONAL_BRAND, YEAR)
    _recognise(org_b, Recognition.Kind.REGIONAL_BRAND, YEAR - 1)
    assert selectors.eligibility_for(org_a, kind) == []
    assert any("自治区家庭服务知名品牌" in r for r in selectors.eligibility_for(org_b, kind))


def test_agency_facts_read_the_standing_of_the_year(org_a, reviewer):
    factories.record_standing(
        actor=reviewer, agency=org_a, year=YEAR, inspection="passed", rating="excellent"
    )
    facts = selectors.agency_facts(org_a, YEAR)
    assert facts.inspection_passed and facts.rating_excellent
    before = selectors.agency_facts(org_a, YEAR - 1)
    assert not before.inspection_passed and not before.rating_excellent
    assert AgencyStanding.objects.filter(agency=org_a).count() == 1  # reading creates nothing


def test_nobody_types_the_standing_any_more():
    """Issue 12: "The year's inspection result and rating are recorded on the agency through an
    agencies service; the admin no longer lets anyone type them." """
    assert not hasattr(agency_services, "standing_set")
