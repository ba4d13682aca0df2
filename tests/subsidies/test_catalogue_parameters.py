"""The catalogue as the plan words it: 一贴息七补贴一减免 counts 1 + 7 + 1, and every figure the
plan never gives is a bureau parameter shown as 待局里确认 until a bureau user confirms it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kunqu_jiafu.audit.models import AuditEntry
from subsidies import selectors, services
from subsidies.models import ClaimType, ParameterFlag
from training import services as training_services
from training.models import CourseKind

from .core_builders import YEAR, claim_type, set_rates

pytestmark = pytest.mark.django_db

PLAN = (
    "继续落实“一贴息 七补贴一减免”的政策。对全区家庭服务机构申请创业担保贷 款给予全额贴息；"
    "对考评合格的家庭服务社区中心（站）、专业服务市场和年度业绩考评优秀及获评品牌称号的机构 "
    "给予不超过10万元的奖补资金支持；给予家庭服务从业人员技能培训和鉴定补贴；给予居民家庭服务费用减免。"
)


# --- the headline ----------------------------------------------------------------------------


def test_the_seeded_catalogue_counts_one_interest_subsidy_seven_grants_one_exemption():
    """Our reading of the plan's sentence (PLAN above): 一贴息 = the guarantee-loan interest;
    七补贴 = the awards to (1) community centres and (2) stations — two awards, "中心（站）" —,
    (3) professional markets, (4) 业绩考评优秀, (5) 品牌称号, then (6) skills training and
    (7) 鉴定; 一减免 = the household fee exemption. The employee-system benefits and 援企稳岗
    are the plan's measures 2 and 3, grouped apart."""
    assert "中心（站）" in PLAN
    types = ClaimType.objects.filter(policy_year=YEAR, active=True)
    by_group = {
        group: sorted(types.filter(group=group).values_list("code", flat=True))
        for group in ClaimType.Group.values
    }
    assert by_group["interest"] == ["loan_interest"]
    assert by_group["seven"] == sorted(
        [
            "centre_award",
            "station_award",
            "market_award",
            "excellence_award",
            "brand_award",
            "training_subsidy",
            "certification_subsidy",
        ]
    )
    assert by_group["exemption"] == ["fee_exemption"]
    headline = selectors.catalogue_headline(types)
    assert headline["matches_plan"] is True
    assert [n for _label, n, _expected in headline["counts"]] == [1, 7, 1]


def test_centre_and_station_are_two_awards_each_for_its_own_recognition():
    centre, station = claim_type("centre_award"), claim_type("station_award")
    assert (centre.name, station.name) == ("社区家庭服务中心奖补", "社区家庭服务站奖补")
    assert centre.eligibility == "recognised_centre_passed"
    assert station.eligibility == "recognised_station_passed"
    assert centre.parameters["cap"] == station.parameters["cap"] == "100000.00"


def test_the_headline_does_not_claim_the_plans_count_when_the_catalogue_differs():
    types = list(
        ClaimType.objects.filter(policy_year=YEAR, active=True).exclude(code="centre_award")
    )
    headline = selectors.catalogue_headline(types)
    assert headline["matches_plan"] is False
    assert [n for _label, n, _expected in headline["counts"]] == [1, 6, 1]


def test_the_portal_catalogue_shows_the_headline_and_its_counts(client, agency_a):
    client.force_login(agency_a)
    page = client.get(f"/portal/claims/catalogue/?year={YEAR}").content.decode()
    head = page.split('data-testid="headline"', 1)[1].split("</section>", 1)[0]
    assert "一贴息七补贴一减免" in head
    assert "不一致" not in head and "不足" not in head
    counts = [
        part.split("<b>", 1)[1].split("</b>", 1)[0]
        for part in head.split('data-testid="headline-count"')[1:]
    ]
    assert counts == ["1", "7", "1"]
    assert 'data-testid="type-centre_award"' in page
    assert 'data-testid="type-station_award"' in page


# --- figures the plan never gave --------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("certification_subsidy", "unit_amount"),
        ("health_check", "unit_amount"),
        ("social_insurance", "graduate_years"),
    ],
)
def test_the_figures_the_plan_never_gave_are_seeded_unconfirmed(code, name):
    flag = ParameterFlag.objects.get(claim_type=claim_type(code), name=name)
    assert flag.confirmed is False and flag.confirmed_by is None


def test_every_course_kind_starts_with_an_unconfirmed_placeholder_standard():
    kinds = CourseKind.objects.all()
    assert kinds.count() >= 10
    assert all(k.subsidy_standard == Decimal("1500.00") for k in kinds)
    assert not any(k.standard_is_confirmed for k in kinds)


def test_a_bureau_user_confirms_a_figure_who_and_when_are_kept_and_audited(approver, agency_a):
    flag = ParameterFlag.objects.get(claim_type=claim_type("health_check"), name="unit_amount")
    with pytest.raises(PermissionDenied):
        services.parameter_confirm(actor=agency_a, flag=flag)
    flag = services.parameter_confirm(actor=approver, flag=flag)
    assert flag.confirmed and flag.confirmed_by == approver and flag.confirmed_at is not None
    entry = AuditEntry.objects.filter(action="subsidies.parameter.confirmed").latest("pk")
    assert entry.after == {"parameter": "unit_amount", "value": "200.00"}


def test_changing_a_confirmed_figure_makes_it_unconfirmed_again(approver):
    kind = claim_type("health_check")
    flag = ParameterFlag.objects.get(claim_type=kind, name="unit_amount")
    services.parameter_confirm(actor=approver, flag=flag)
    set_rates(kind, {**kind.parameters, "unit_amount": "260.00"})
    flag.refresh_from_db()
    assert flag.confirmed is False and flag.confirmed_value == "200.00"


def test_any_parameter_of_a_claim_type_can_be_flagged_but_only_one_it_has(reviewer):
    kind = claim_type("accident_insurance")
    flag = services.parameter_flag(actor=reviewer, claim_type=kind, name="rate", note="待核实")
    assert flag.confirmed is False
    with pytest.raises(ValidationError, match="no parameter|没有"):
        services.parameter_flag(actor=reviewer, claim_type=kind, name="unit_amount")
    with pytest.raises(ValidationError):
        services.parameter_flag(actor=reviewer, claim_type=kind, name="rate")


def test_the_catalogue_marks_unconfirmed_figures_until_confirmed(client, agency_a, approver):
    client.force_login(agency_a)
    url = f"/portal/claims/catalogue/?year={YEAR}"

    def card(code: str) -> str:
        page = client.get(url).content.decode()
        return page.split(f'data-testid="type-{code}"', 1)[1].split("</article>", 1)[0]

    assert "待局里确认" in card("health_check")
    assert "待局里确认" in card("certification_subsidy")
    training = card("training_subsidy")
    assert 'data-testid="course-kind-standards"' in training and "待局里确认" in training
    assert "待局里确认" not in card("ui_refund")
    # The loan-rate ceiling the plan never gave is a bureau figure to confirm too (issue 9).
    assert "待局里确认" in card("loan_interest")

    flag = ParameterFlag.objects.get(claim_type=claim_type("health_check"), name="unit_amount")
    services.parameter_confirm(actor=approver, flag=flag)
    assert "待局里确认" not in card("health_check")
    for kind in CourseKind.objects.filter(active=True):
        training_services.course_kind_confirm_standard(actor=approver, kind=kind)
    assert "待局里确认" not in card("training_subsidy")


def test_the_admin_shows_and_confirms_the_flags(client, reviewer):
    client.force_login(reviewer)
    kind = claim_type("certification_subsidy")
    page = client.get(f"/admin/subsidies/claimtype/{kind.pk}/change/").content.decode()
    assert "待局里确认" in page
    flag = ParameterFlag.objects.get(claim_type=kind, name="unit_amount")
    listing = client.get("/admin/subsidies/parameterflag/").content.decode()
    assert "待局里确认" in listing
    response = client.post(
        "/admin/subsidies/parameterflag/",
        {"action": "confirm_values", "_selected_action": [flag.pk]},
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.confirmed and flag.confirmed_by == reviewer


def test_the_course_kind_admin_marks_and_confirms_standards(client, reviewer, official):
    kind = CourseKind.objects.get(code="pre_job")
    client.force_login(official)
    client.post(
        "/admin/training/coursekind/",
        {"action": "confirm_standards", "_selected_action": [kind.pk]},
    )
    kind.refresh_from_db()
    assert not kind.standard_is_confirmed  # officials only read
    client.force_login(reviewer)
    assert "待局里确认" in client.get("/admin/training/coursekind/").content.decode()
    client.post(
        "/admin/training/coursekind/",
        {"action": "confirm_standards", "_selected_action": [kind.pk]},
    )
    kind.refresh_from_db()
    assert kind.standard_is_confirmed and kind.standard_confirmed_by == reviewer
    assert AuditEntry.objects.filter(action="training.coursekind.standard_confirmed").exists()


def test_a_type_copied_to_the_next_year_keeps_its_figures_to_confirm_unconfirmed(approver):
    kind = claim_type("health_check")
    services.parameter_confirm(
        actor=approver, flag=ParameterFlag.objects.get(claim_type=kind, name="unit_amount")
    )
    copied = services.claim_type_copy(actor=approver, claim_type=kind)
    flag = ParameterFlag.objects.get(claim_type=copied, name="unit_amount")
    assert copied.policy_year == YEAR + 1
    assert flag.confirmed is False and flag.confirmed_by is None


def test_the_unconfirmed_badge_has_an_amber_look_in_the_admin_and_on_the_portal(
    client, reviewer, agency_a
):
    # Issue 9: 待局里确认 "on the catalogue and in the admin until a bureau user confirms it":
    # a badge of its own (amber), not plain bold text.
    import re
    from pathlib import Path

    from django.conf import settings

    client.force_login(reviewer)
    kind = claim_type("certification_subsidy")
    for url in (f"/admin/subsidies/claimtype/{kind.pk}/change/", "/admin/training/coursekind/"):
        page = client.get(url).content.decode()
        assert re.search(r'class="kj-unconfirmed" data-testid="unconfirmed">待局里确认', page), url
        # The admin's look lives in its own style sheet (no inline styles, issue 11's CSP).
        assert "css/admin.css" in page, url
        sheet = (Path(settings.BASE_DIR) / "static/css/admin.css").read_text(encoding="utf-8")
        rule = re.search(r"\.kj-unconfirmed\{([^}]*)\}", sheet)
        assert rule and "--kj-amber-bg" in rule.group(1) and "--kj-amber)" in rule.group(1)
    client.force_login(agency_a)
    page = client.get(f"/portal/claims/catalogue/?year={YEAR}").content.decode()
    assert '<span class="badge warning">待局里确认' in page and "css/portal.css" in page
    css = (Path(settings.BASE_DIR) / "static/css/portal.css").read_text(encoding="utf-8")
    rule = re.search(r"\.badge\.warning \{([^}]*)\}", css)
    assert rule and "#fef3c7" in rule.group(1)  # amber background
