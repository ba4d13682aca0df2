"""Awards (不超过10万元): the year's award settings, and eligibility read again at first
review and at approval.

The plan: "对考评合格的家庭服务社区中心（站）、专业服务市场和年度业绩考评优秀及获评品牌称号的机构
给予不超过10万元的奖补资金支持". DOMAIN.md: whether one agency may receive several awards in a year,
and any yearly total per agency, are bureau settings (default: one award of each kind a year,
no total); 基本合格 counts as 考评合格 only if a setting says so (default no); eligibility is
checked at submission and again at first review and approval.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from agencies import services as agency_services
from agencies.models import AgencyStanding, Recognition
from kunqu_jiafu.audit.models import AuditEntry
from subsidies import selectors, services
from subsidies.models import AwardPolicy, Claim
from tests import factories

from .core_builders import YEAR, approved, claim_type, draft, first_passed, fund, move, submitted

pytestmark = pytest.mark.django_db

PASSED = AgencyStanding.Inspection.PASSED
BASIC = AgencyStanding.Inspection.BASICALLY_PASSED
FAILED = AgencyStanding.Inspection.FAILED


def _station(reviewer, agency, kind=Recognition.Kind.STATION) -> Recognition:
    return agency_services.recognition_grant(
        actor=reviewer,
        agency=agency,
        kind=kind,
        year=YEAR,
        granted_on=dt.date(YEAR, 1, 10),
        valid_until=dt.date(YEAR + 2, 1, 9),
    )


def _standing(reviewer, agency, inspection=PASSED, rating=AgencyStanding.Rating.EXCELLENT):
    return factories.record_standing(
        actor=reviewer, agency=agency, year=YEAR, inspection=inspection, rating=rating
    )


def _policy(approver, **data) -> AwardPolicy:
    return services.award_policy_save(actor=approver, year=YEAR, data=data)


def _award(amount: str) -> dict:
    return {"requested_amount": amount, "basis": "认定文件"}


# --- 基本合格 and 考评合格 -------------------------------------------------------------------


def test_basically_passed_does_not_count_as_passed_by_default(agency_a, org_a, reviewer):
    _station(reviewer, org_a)
    _standing(reviewer, org_a, inspection=BASIC)
    problems = selectors.eligibility_for(org_a, claim_type("station_award"))
    assert problems == ["本年度年检复核结果为基本合格，按本年度奖补设置不视为考评合格"]
    with pytest.raises(ValidationError, match="基本合格"):
        submitted(agency_a, org_a, "station_award")


def test_basically_passed_counts_when_the_years_setting_says_so(
    agency_a, org_a, reviewer, approver
):
    _station(reviewer, org_a)
    _standing(reviewer, org_a, inspection=BASIC)
    _policy(approver, basic_pass_counts=True)
    assert selectors.eligibility_for(org_a, claim_type("station_award")) == []
    assert submitted(agency_a, org_a, "station_award").status == Claim.Status.SUBMITTED


def test_passed_qualifies_and_failed_never_does_whatever_the_setting(org_a, reviewer, approver):
    _station(reviewer, org_a)
    _policy(approver, basic_pass_counts=True)
    _standing(reviewer, org_a, inspection=PASSED)
    assert selectors.eligibility_for(org_a, claim_type("station_award")) == []
    _standing(reviewer, org_a, inspection=FAILED)
    assert selectors.eligibility_for(org_a, claim_type("station_award")) == ["须通过本年度年检复核"]


# --- several awards a year, and a yearly total -------------------------------------------


def test_by_default_an_agency_receives_one_award_of_each_kind_in_a_year(
    agency_a, org_a, reviewer, approver
):
    fund(approver, "1000000.00")
    _station(reviewer, org_a)
    _standing(reviewer, org_a)
    approved(agency_a, org_a, reviewer, approver, "excellence_award")
    # Another kind of award the same year: allowed by default.
    claim = approved(agency_a, org_a, reviewer, approver, "station_award")
    assert claim.status == Claim.Status.APPROVED
    # A second award of the same kind for the same year: the one-live-claim rule refuses it.
    with pytest.raises(ValidationError, match="已有该补贴项目的申请"):
        draft(agency_a, org_a, "station_award")


def test_one_award_a_year_in_all_stops_the_second_award_with_the_first_named(
    agency_a, org_a, reviewer, approver
):
    fund(approver, "1000000.00")
    _station(reviewer, org_a)
    _standing(reviewer, org_a)
    _policy(approver, awards_per_year=AwardPolicy.Limit.ONE)
    second = submitted(agency_a, org_a, "station_award")  # nothing granted yet: may submit
    approved(agency_a, org_a, reviewer, approver, "excellence_award")
    with pytest.raises(ValidationError, match="每个机构每年只能获得一项奖补.*年度业绩考评优秀奖补"):
        move(reviewer, second, "first_pass")
    assert Claim.objects.get(pk=second.pk).status == Claim.Status.SUBMITTED


def test_yearly_total_admits_an_award_up_to_the_total_and_not_a_cent_more(
    agency_a, org_a, reviewer, approver
):
    fund(approver, "1000000.00")
    _station(reviewer, org_a)
    _standing(reviewer, org_a)
    _policy(approver, yearly_total="150000.00")
    approved(agency_a, org_a, reviewer, approver, "excellence_award", declared=_award("100000.00"))
    # Just outside: 50,000.01 on top of 100,000 passes 150,000; refused at submission.
    over = draft(agency_a, org_a, "station_award", declared=_award("50000.01"))
    with pytest.raises(ValidationError, match="尚可获得 50,000.00 元"):
        move(agency_a, over, "submit")
    # Just inside: exactly the 50,000 left.
    services.claim_update(actor=agency_a, claim=over, declared=_award("50000.00"))
    claim = move(agency_a, over, "submit")
    claim = move(reviewer, claim, "first_pass")
    claim = move(approver, claim, "approve")
    assert claim.approved_amount == Decimal("50000.00")


def test_yearly_total_is_checked_again_at_approval_when_another_award_came_first(
    agency_a, org_a, reviewer, approver
):
    fund(approver, "1000000.00")
    _station(reviewer, org_a)
    _standing(reviewer, org_a)
    _policy(approver, yearly_total="100000.00")
    waiting = first_passed(agency_a, org_a, reviewer, "station_award", declared=_award("60000.00"))
    approved(agency_a, org_a, reviewer, approver, "excellence_award", declared=_award("50000.00"))
    with pytest.raises(ValidationError, match="合计不超过 100,000.00 元"):
        move(approver, waiting, "approve")
    # A lower amount that fits the total may still be approved.
    claim = move(approver, waiting, "approve", approved_amount="50000.00")
    assert claim.status == Claim.Status.APPROVED


def test_award_settings_are_kept_by_bureau_staff_and_audited(agency_a, approver):
    with pytest.raises(PermissionDenied):
        services.award_policy_save(actor=agency_a, year=YEAR, data={"basic_pass_counts": True})
    policy = _policy(approver, yearly_total="200000", awards_per_year="one")
    assert policy.yearly_total == Decimal("200000.00")
    entry = AuditEntry.objects.filter(action__startswith="subsidies.awardpolicy.").latest("pk")
    assert entry.after["yearly_total"] in ("200000.00", 200000.0, "200000")
    with pytest.raises(ValidationError) as caught:
        _policy(approver, yearly_total="-1")
    assert "yearly_total" in caught.value.message_dict


def test_the_seeded_year_starts_at_the_defaults():
    policy = AwardPolicy.objects.get(year=YEAR)
    assert policy.awards_per_year == AwardPolicy.Limit.EACH_KIND
    assert policy.yearly_total is None
    assert policy.basic_pass_counts is False


# --- eligibility read again at first review and at approval ------------------------------


def test_a_recognition_revoked_after_submission_stops_the_first_review(agency_a, org_a, reviewer):
    recognition = _station(reviewer, org_a)
    _standing(reviewer, org_a)
    claim = submitted(agency_a, org_a, "station_award")
    agency_services.recognition_revoke(actor=reviewer, recognition=recognition, reason="年检不合格")
    with pytest.raises(ValidationError, match="须为已认定（且未被撤销）的社区家庭服务站"):
        move(reviewer, claim, "first_pass")
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.SUBMITTED
    # The reviewer may still return or refuse it with the reason.
    assert move(reviewer, claim, "reject", reason="认定已撤销").status == Claim.Status.REJECTED


def test_a_standing_changed_after_first_review_stops_the_approval(
    agency_a, org_a, reviewer, approver
):
    fund(approver, "1000000.00")
    _station(reviewer, org_a)
    _standing(reviewer, org_a)
    claim = first_passed(agency_a, org_a, reviewer, "station_award")
    _standing(reviewer, org_a, inspection=FAILED)
    with pytest.raises(ValidationError, match="须通过本年度年检复核"):
        move(approver, claim, "approve")
    claim.refresh_from_db()
    assert claim.status == Claim.Status.FIRST_PASSED and claim.approved_amount is None


def _review_page(client, user, claim, action):
    client.force_login(user)
    return client.get(f"/admin/subsidies/claim/{claim.pk}/review/{action}/", follow=True)


def test_the_reviewer_sees_why_and_is_offered_no_first_pass(client, agency_a, org_a, reviewer):
    recognition = _station(reviewer, org_a)
    _standing(reviewer, org_a)
    claim = submitted(agency_a, org_a, "station_award")
    agency_services.recognition_revoke(actor=reviewer, recognition=recognition, reason="撤销")
    client.force_login(reviewer)
    page = client.get(f"/admin/subsidies/claim/{claim.pk}/change/").content.decode()
    assert "须为已认定（且未被撤销）的社区家庭服务站" in page
    response = _review_page(client, reviewer, claim, "first_pass")
    assert "须为已认定（且未被撤销）的社区家庭服务站" in response.content.decode()
    response = client.post(f"/admin/subsidies/claim/{claim.pk}/review/first_pass/", {"reason": ""})
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.SUBMITTED


def test_the_approver_sees_why_and_cannot_approve(client, agency_a, org_a, reviewer, approver):
    fund(approver, "1000000.00")
    _station(reviewer, org_a)
    _standing(reviewer, org_a)
    claim = first_passed(agency_a, org_a, reviewer, "station_award")
    _standing(reviewer, org_a, inspection=FAILED)
    client.force_login(approver)
    page = client.get(f"/admin/subsidies/claim/{claim.pk}/change/").content.decode()
    assert "须通过本年度年检复核" in page
    client.post(
        f"/admin/subsidies/claim/{claim.pk}/review/approve/",
        {"approved_amount": "80000.00", "reason": ""},
    )
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.FIRST_PASSED


# --- the settings on the catalogue and in the admin --------------------------------------


def test_the_portal_catalogue_shows_the_years_award_settings(client, agency_a, org_a, approver):
    _policy(approver, yearly_total="150000.00", basic_pass_counts=True)
    client.force_login(agency_a)
    page = client.get(f"/portal/claims/catalogue/?year={YEAR}").content.decode()
    box = page.split('data-testid="award-settings"', 1)[1].split("</div>", 1)[0]
    assert "150000.00" in box
    assert "基本合格" in box


def test_the_admin_edits_the_award_settings(client, approver):
    policy = AwardPolicy.objects.get(year=YEAR)
    client.force_login(approver)
    url = f"/admin/subsidies/awardpolicy/{policy.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"awards_per_year": "one", "yearly_total": "120000", "basic_pass_counts": "on"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    policy.refresh_from_db()
    assert (policy.awards_per_year, policy.yearly_total, policy.basic_pass_counts) == (
        "one",
        Decimal("120000.00"),
        True,
    )
