"""What the bureau keeps in the admin besides claims: claim types, special funds, notices,
agencies' yearly standings, and the fund on the staff home page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from agencies.models import AgencyStanding
from kunqu_jiafu.audit.models import AuditEntry
from subsidies.models import ClaimType, Notice, SpecialFund
from tests.subsidies import core_builders as b


@pytest.fixture(autouse=True)
def rendered_notices(monkeypatch):
    queued: list[int] = []
    monkeypatch.setattr(
        "subsidies.tasks.render_notice.apply_async", lambda args, *a, **k: queued.append(args[0])
    )
    return queued


@pytest.fixture
def fund(approver):
    return b.fund(approver, "500000.00")


def errors_of(response) -> dict:
    assert response.status_code == 200, response.get("Location")
    form = response.context["adminform"].form
    return {key: " ".join(messages) for key, messages in form.errors.items()}


# --- special funds: proposed by one approver, approved by another ----------------------------

CHANGES = "admin:subsidies_settingchange_add"


@pytest.fixture
def approver2(db):
    from kunqu_jiafu.accounts.roles import APPROVER
    from tests import factories

    return factories.make_user("approver2", APPROVER, full_name="李领导")


def _approve_last(client) -> None:
    from subsidies.models import SettingChange

    change = SettingChange.objects.latest("pk")
    url = reverse("admin:subsidies_settingchange_review", args=[change.pk, "approve"])
    assert client.post(url, {"reason": ""}).status_code == 302


def test_fund_budget_cannot_go_below_what_is_approved(
    reviewer, approver, approver2, agency_a, org_a, fund, client_for
):
    b.approved(agency_a, org_a, reviewer, approver)  # 4,321.09 committed
    url = reverse(CHANGES)
    proposal = {"kind": "fund", "year": "2026", "claim_type": "", "reason": "调减"}

    response = client_for(approver).post(url, {**proposal, "amount": "4000.00"})

    assert "4321.09" in errors_of(response)["amount"]
    assert SpecialFund.objects.get(pk=fund.pk).amount == Decimal("500000.00")

    response = client_for(approver).post(url, {**proposal, "amount": "4321.09"})
    assert response.status_code == 302
    assert SpecialFund.objects.get(pk=fund.pk).amount == Decimal("500000.00")  # not yet
    _approve_last(client_for(approver2))
    assert SpecialFund.objects.get(pk=fund.pk).amount == Decimal("4321.09")
    assert AuditEntry.objects.for_object(fund).filter(action="subsidies.fund.set").count() == 2


def test_fund_is_added_by_proposal_and_never_typed_into_the_fund(
    approver, approver2, client_for, db
):
    client = client_for(approver)
    assert client.get(reverse("admin:subsidies_specialfund_add")).status_code == 403
    url = reverse(CHANGES)
    response = client.post(
        url,
        {"kind": "fund", "year": "2026", "claim_type": "", "amount": "300000", "reason": "年初"},
    )
    assert response.status_code == 302
    assert not SpecialFund.objects.exists()
    _approve_last(client_for(approver2))
    fund = SpecialFund.objects.get(year=2026, claim_type=None)
    assert fund.amount == Decimal("300000.00")
    assert AuditEntry.objects.for_object(fund).filter(action="subsidies.fund.set").exists()

    other_year = b.claim_type("ui_refund")
    wrong = client.post(
        url,
        {
            "kind": "fund",
            "year": "2027",
            "claim_type": other_year.pk,
            "amount": "10",
            "reason": "x",
        },
    )
    assert "2026" in errors_of(wrong)["claim_type"]
    no_reason = client.post(url, {"kind": "fund", "year": "2026", "amount": "10", "reason": ""})
    assert "reason" in errors_of(no_reason)
    assert SpecialFund.objects.count() == 1


def test_fund_list_shows_budget_committed_and_remaining(
    reviewer, approver, agency_a, org_a, fund, client_for
):
    b.approved(agency_a, org_a, reviewer, approver)
    page = client_for(approver).get(reverse("admin:subsidies_specialfund_changelist"))
    html = page.content.decode()
    assert "500,000.00" in html and "4,321.09" in html and "495,678.91" in html
    assert 'role="progressbar"' in html


# --- claim types --------------------------------------------------------------------------


def claim_type_form(claim_type: ClaimType, **changes) -> dict:
    data = {
        "name": claim_type.name,
        "group": claim_type.group,
        "calculator": claim_type.calculator,
        "parameters": '{"cap": "100000.00"}',
        "eligibility": claim_type.eligibility,
        "required_attachments": "\n".join(
            f"{c} {label}" for c, label in claim_type.required_attachments
        ),
        "period_kind": claim_type.period_kind,
        "description": claim_type.description,
        "active": "on",
        "sort_order": claim_type.sort_order,
    }
    data.update(changes)
    return data


def rates_form(claim_type: ClaimType, parameters: str) -> dict:
    return {
        "kind": "rates",
        "claim_type": claim_type.pk,
        "parameters": parameters,
        "reason": "调整",
    }


@pytest.mark.parametrize(
    ("parameters", "complaint"),
    [
        ('{"cap": "十万"}', "cap"),
        ('{"cap": "-5"}', "cap"),
        ('{"cap": "100000.005"}', "cap"),
        ('{"cpa": "100000"}', "cpa"),
        ("{}", "cap"),
        ('["cap", 100000]', "JSON"),
        ("{cap: 1", ""),
    ],
)
def test_proposed_parameters_must_suit_the_calculator(
    parameters, complaint, approver, client_for, db
):
    award = b.claim_type("excellence_award")

    response = client_for(approver).post(reverse(CHANGES), rates_form(award, parameters))

    assert complaint in errors_of(response)["parameters"]
    assert ClaimType.objects.get(pk=award.pk).parameters == {"cap": "100000.00"}


def test_claim_type_rates_are_fractions_and_attachments_need_names(approver, client_for, db):
    refund = b.claim_type("ui_refund")
    parameters = (
        '{"rate": "1", "max_layoff_rate": "5.5", "small_max_layoff_rate": "0.2", '
        '"small_enterprise_max_insured": 30}'
    )
    client = client_for(approver)
    errors = errors_of(client.post(reverse(CHANGES), rates_form(refund, parameters)))
    assert "max_layoff_rate" in errors["parameters"] and "5.5" in errors["parameters"]

    url = reverse("admin:subsidies_claimtype_change", args=[refund.pk])
    no_name = claim_type_form(refund, required_attachments="ui_statement")
    assert "1" in errors_of(client.post(url, no_name))["required_attachments"]  # line 1
    bad_code = claim_type_form(refund, required_attachments="缴费明细 上年度失业保险缴费明细")
    assert "缴费明细" in errors_of(client.post(url, bad_code))["required_attachments"]
    assert ClaimType.objects.get(pk=refund.pk).parameters["max_layoff_rate"] == "0.055"


def test_claim_type_change_is_saved_and_audited_but_its_rates_stay(
    reviewer, approver, client_for, db
):
    award = b.claim_type("excellence_award")
    url = reverse("admin:subsidies_claimtype_change", args=[award.pk])
    data = claim_type_form(
        award,
        name="年度业绩考评优秀奖补（修订）",
        parameters='{"cap": "80000.00"}',
        required_attachments="evaluation_doc 业绩考评结果\nphotos 现场照片",
    )
    assert client_for(reviewer).post(url, data).status_code == 403  # 业务经办 review claims

    response = client_for(approver).post(url, data)

    assert response.status_code == 302
    award = ClaimType.objects.get(pk=award.pk)
    assert award.name.endswith("（修订）")
    assert award.parameters == {"cap": "100000.00"}  # rates change by proposal only
    assert award.required_attachments == [
        ["evaluation_doc", "业绩考评结果"],
        ["photos", "现场照片"],
    ]
    entry = AuditEntry.objects.for_object(award).get(action="subsidies.claimtype.updated")
    assert entry.actor == approver


def test_new_claim_type_is_added_with_its_code_and_year(approver, client_for, db):
    url = reverse("admin:subsidies_claimtype_add")
    data = claim_type_form(
        b.claim_type("fee_exemption"),
        code="fee_exemption",
        policy_year="2027",
        parameters='{"unit_amount": "60.00", "subject_kind": "order"}',
    )
    response = client_for(approver).post(url, data)
    assert response.status_code == 302
    added = ClaimType.objects.get(code="fee_exemption", policy_year=2027)
    assert added.parameters == {"unit_amount": "60.00", "subject_kind": "order"}
    assert (
        AuditEntry.objects.for_object(added).filter(action="subsidies.claimtype.created").exists()
    )

    twice = client_for(approver).post(url, data)
    assert "2027" in errors_of(twice)["code"]
    wrong_kind = {
        **data,
        "policy_year": "2028",
        "parameters": '{"unit_amount": "1", "subject_kind": "worker"}',
    }
    assert "subject_kind" in errors_of(client_for(approver).post(url, wrong_kind))["parameters"]


def test_copy_to_next_policy_year_makes_each_type_once(reviewer, approver, client_for, db):
    types = ClaimType.objects.filter(code__in=["loan_interest", "ui_refund"], policy_year=2026)
    url = reverse("admin:subsidies_claimtype_changelist")
    data = {"action": "copy_to_next_year", "_selected_action": [t.pk for t in types]}
    client_for(reviewer).post(url, data)  # not offered to 业务经办
    assert not ClaimType.objects.filter(policy_year=2027).exists()
    client = client_for(approver)

    client.post(url, data)

    copy = ClaimType.objects.get(code="ui_refund", policy_year=2027)
    original = b.claim_type("ui_refund")
    assert copy.parameters == original.parameters
    assert copy.required_attachments == original.required_attachments
    assert copy.calculator == original.calculator and copy.eligibility == original.eligibility
    assert ClaimType.objects.filter(policy_year=2027).count() == 2

    response = client.post(url, data, follow=True)
    assert ClaimType.objects.filter(policy_year=2027).count() == 2
    assert any("2027" in str(m) for m in response.context["messages"])


def test_official_cannot_change_the_catalogue(official, client_for, db):
    award = b.claim_type("excellence_award")
    url = reverse("admin:subsidies_claimtype_change", args=[award.pk])
    assert client_for(official).get(url).status_code == 200
    response = client_for(official).post(url, claim_type_form(award, parameters='{"cap": "1"}'))
    assert response.status_code == 403
    assert ClaimType.objects.get(pk=award.pk).parameters == {"cap": "100000.00"}


# --- notices ------------------------------------------------------------------------------


def test_regenerating_a_notice_queues_its_pdf_and_keeps_the_number(
    reviewer, approver, agency_a, org_a, fund, client_for, rendered_notices,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    claim = b.approved(agency_a, org_a, reviewer, approver)
    notice = Notice.objects.get(claim=claim)
    url = reverse("admin:subsidies_notice_changelist")

    listing = client_for(reviewer).get(url)
    assert notice.number in listing.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(reviewer).post(
            url, {"action": "regenerate_pdf", "_selected_action": [notice.pk]}
        )

    assert response.status_code == 302
    assert rendered_notices == [notice.pk]
    assert Notice.objects.get(pk=notice.pk).number == notice.number
    assert Notice.objects.count() == 1


def test_official_lists_notices_without_the_regenerate_action(
    reviewer, approver, official, agency_a, org_a, fund, client_for, rendered_notices
):
    b.approved(agency_a, org_a, reviewer, approver)
    notice = Notice.objects.get()
    url = reverse("admin:subsidies_notice_changelist")
    page = client_for(official).get(url)
    assert page.status_code == 200 and notice.number in page.content.decode()
    assert b"regenerate_pdf" not in page.content
    client_for(official).post(url, {"action": "regenerate_pdf", "_selected_action": [notice.pk]})
    assert rendered_notices == []


# --- the claim's page ---------------------------------------------------------------------


def test_claim_page_shows_labelled_figures_trace_attachments_and_the_fund(
    reviewer, agency_a, org_a, fund, client_for
):
    claim = b.submitted(agency_a, org_a)
    html = (
        client_for(reviewer)
        .get(reverse("admin:subsidies_claim_change", args=[claim.pk]))
        .content.decode()
    )
    assert "本期实际支付利息（元）" in html and "4,321.09 元" in html  # calculator's label
    assert claim.trace[0] in html
    attachment = claim.attachments.select_related("document").first()
    assert attachment.document.get_absolute_url() in html
    assert "银行利息支付回单" in html  # the required attachment's name
    assert "500,000.00" in html  # the fund's remaining balance
    assert 'name="_save"' not in html  # read-only: decisions go through the buttons


# --- yearly standings ---------------------------------------------------------------------


def test_no_one_types_the_standing_in_the_admin_it_shows_what_inspections_recorded(
    reviewer, approver, org_a, client_for
):
    """Issue 12: "The year's inspection result and rating are recorded on the agency through an
    agencies service; the admin no longer lets anyone type them." """
    from agencies.services import standing_record_inspection

    standing = standing_record_inspection(
        actor=reviewer, agency=org_a, year=2026, result="passed", reason="年检 #1"
    )
    data = {"agency": org_a.pk, "year": "2026", "inspection": "failed", "rating": "excellent"}
    for user in (reviewer, approver):
        client = client_for(user)
        listing = client.get(reverse("admin:agencies_agencystanding_changelist"))
        assert listing.status_code == 200 and org_a.name in listing.content.decode()
        assert client.post(reverse("admin:agencies_agencystanding_add"), data).status_code == 403
        change = reverse("admin:agencies_agencystanding_change", args=[standing.pk])
        assert client.post(change, data).status_code == 403
    standing.refresh_from_db()
    assert (standing.inspection, standing.rating) == ("passed", "none")
    assert AuditEntry.objects.for_object(standing).count() == 1


def test_official_reads_standings_but_cannot_record_them(official, org_a, client_for):
    client = client_for(official)
    assert client.get(reverse("admin:agencies_agencystanding_changelist")).status_code == 200
    response = client.post(
        reverse("admin:agencies_agencystanding_add"),
        {"agency": org_a.pk, "year": "2026", "inspection": "passed", "rating": "excellent"},
    )
    assert response.status_code == 403
    assert not AgencyStanding.objects.exists()


# --- staff home ---------------------------------------------------------------------------


def test_staff_home_shows_the_years_fund_with_a_progress_bar(
    reviewer, approver, agency_a, org_a, client_for, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    year = timezone.localdate().year
    page = client_for(reviewer).get(reverse("admin:index")).content.decode()
    assert 'data-testid="fund-panel"' in page and 'data-testid="fund-remaining"' not in page

    b.fund(approver, "500000.00", year=year)
    if year == b.YEAR:
        b.approved(agency_a, org_a, reviewer, approver)
    page = client_for(reviewer).get(reverse("admin:index")).content.decode()
    fund = SpecialFund.objects.get(year=year, claim_type=None)
    assert f"{fund.remaining:,.2f}" in page and f"{fund.amount:,.2f}" in page
    assert 'role="progressbar"' in page
    assert "机构登记申请" in page or "Agency registrations" in page  # agencies panels still there
