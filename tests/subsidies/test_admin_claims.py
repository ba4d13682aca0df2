"""The review queue in the admin: buttons and reason pages over the claim verbs
(services.claim_act), four eyes, the fund, read-only officials, query counts and the ledger
export."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import load_workbook

from agencies.models import Agency, Street
from kunqu_jiafu.accounts.roles import APPROVER, REVIEWER
from kunqu_jiafu.audit.models import AuditEntry
from subsidies.models import Claim, ClaimType, Notice, SpecialFund
from tests import factories
from tests.subsidies import core_builders as b

HAN = re.compile(r"[\u4e00-\u9fff]")
FOUR_EYES = "You did the first review of this claim; a different approver must decide it."


@pytest.fixture(autouse=True)
def rendered_notices(monkeypatch):
    """The PDF engine is another part's work: record the queued renders instead."""
    queued: list[int] = []
    monkeypatch.setattr(
        "subsidies.tasks.render_notice.apply_async", lambda args, *a, **k: queued.append(args[0])
    )
    return queued


@pytest.fixture
def fund(approver):
    return b.fund(approver, "500000.00")


@pytest.fixture
def both(db):
    """One person in both staff groups: may first-review and approve, never the same claim."""
    return factories.make_user("both", REVIEWER, APPROVER, full_name="李兼任")


def review_url(claim: Claim, action: str) -> str:
    return reverse("admin:subsidies_claim_review", args=[claim.pk, action])


def change_url(claim: Claim) -> str:
    return reverse("admin:subsidies_claim_change", args=[claim.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def reload(claim: Claim) -> Claim:
    return Claim.objects.get(pk=claim.pk)


# --- the review buttons ---------------------------------------------------------------------


def test_reviewer_first_passes_a_submitted_claim_with_the_button(
    reviewer, agency_a, org_a, fund, client_for
):
    claim = b.submitted(agency_a, org_a)
    client = client_for(reviewer)
    page = client.get(change_url(claim))
    assert f'href="{review_url(claim, "first_pass")}"' in page.content.decode()

    response = client.post(review_url(claim, "first_pass"), {"reason": ""})

    assert response.status_code == 302 and response["Location"] == change_url(claim)
    claim = reload(claim)
    assert claim.status == Claim.Status.FIRST_PASSED
    assert claim.first_reviewed_by == reviewer
    assert (
        AuditEntry.objects.for_object(claim).filter(action="subsidies.claim.first_passed").exists()
    )


def test_reviewer_is_not_offered_approval(reviewer, approver, agency_a, org_a, fund, client_for):
    claim = b.first_passed(agency_a, org_a, reviewer)
    page = client_for(reviewer).get(change_url(claim)).content.decode()
    assert 'data-action="approve"' not in page
    response = client_for(reviewer).post(review_url(claim, "approve"), {})
    assert response.status_code == 302
    assert reload(claim).status == Claim.Status.FIRST_PASSED


def test_first_reviewer_in_both_groups_is_refused_approval_with_the_four_eyes_message(
    both, agency_a, org_a, fund, client_for
):
    claim = b.submitted(agency_a, org_a)
    client = client_for(both)
    client.post(review_url(claim, "first_pass"), {"reason": ""})
    assert reload(claim).first_reviewed_by == both

    page = client.get(change_url(claim)).content.decode()
    assert gettext(FOUR_EYES) in page  # said on the page, the button greyed out
    assert f'href="{review_url(claim, "approve")}"' not in page

    response = client.post(
        review_url(claim, "approve"), {"approved_amount": "100.00", "reason": ""}, follow=True
    )

    assert response.redirect_chain[-1][0] == change_url(claim)
    assert gettext(FOUR_EYES) in messages_of(response)
    claim = reload(claim)
    assert claim.status == Claim.Status.FIRST_PASSED and claim.approved_amount is None
    assert SpecialFund.objects.get(pk=fund.pk).committed == 0
    assert not Notice.objects.exists()


def test_another_approver_approves_a_lower_amount_and_the_fund_commits_it(
    both, approver, agency_a, org_a, fund, client_for, rendered_notices,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    claim = b.first_passed(agency_a, org_a, both)
    client = client_for(approver)
    page = client.get(review_url(claim, "approve"))
    assert page.context["form"]["approved_amount"].value() == claim.eligible_amount
    assert page.context["fund_rows"][0]["remaining"] == "500,000.00"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            review_url(claim, "approve"), {"approved_amount": "4000.00", "reason": "按贷款合同核减"}
        )

    assert response.status_code == 302
    claim = reload(claim)
    assert claim.status == Claim.Status.APPROVED
    assert claim.approved_amount == Decimal("4000.00")
    assert claim.decided_by == approver
    assert SpecialFund.objects.get(pk=fund.pk).committed == Decimal("4000.00")
    notice = Notice.objects.get(claim=claim)
    assert notice.kind == Notice.Kind.APPROVAL and notice.amount == Decimal("4000.00")
    assert rendered_notices == [notice.pk]


def test_approving_more_than_the_fund_holds_shows_the_error_and_changes_nothing(
    approver, reviewer, agency_a, org_a, client_for
):
    fund = b.fund(approver, "1000.00")
    claim = b.first_passed(agency_a, org_a, reviewer)  # eligible 4,321.09

    response = client_for(approver).post(
        review_url(claim, "approve"), {"approved_amount": "4321.09", "reason": ""}
    )

    assert response.status_code == 200
    errors = response.context["form"].errors["approved_amount"]
    assert any("1000.00" in e and "4321.09" in e for e in errors)
    claim = reload(claim)
    assert claim.status == Claim.Status.FIRST_PASSED and claim.approved_amount is None
    assert SpecialFund.objects.get(pk=fund.pk).committed == 0
    assert not Notice.objects.exists()


def test_approving_more_than_the_eligible_amount_is_a_form_error(
    approver, reviewer, agency_a, org_a, fund, client_for
):
    claim = b.first_passed(agency_a, org_a, reviewer)
    response = client_for(approver).post(
        review_url(claim, "approve"), {"approved_amount": "5000.00"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["approved_amount"]
    assert reload(claim).status == Claim.Status.FIRST_PASSED


@pytest.mark.parametrize("action", ["return", "reject"])
def test_return_or_reject_without_a_reason_is_refused_on_the_page(
    action, reviewer, agency_a, org_a, fund, client_for
):
    claim = b.submitted(agency_a, org_a)
    response = client_for(reviewer).post(review_url(claim, action), {"reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert reload(claim).status == Claim.Status.SUBMITTED
    assert not Notice.objects.exists()


def test_reject_with_a_reason_issues_a_rejection_notice(
    reviewer, agency_a, org_a, fund, client_for
):
    claim = b.submitted(agency_a, org_a)
    response = client_for(reviewer).post(
        review_url(claim, "reject"), {"reason": "贷款非创业担保贷款"}
    )
    assert response.status_code == 302
    claim = reload(claim)
    assert claim.status == Claim.Status.REJECTED and claim.last_reason == "贷款非创业担保贷款"
    assert Notice.objects.get(claim=claim).kind == Notice.Kind.REJECTION


def test_payment_needs_the_date_and_the_bank_reference(
    reviewer, approver, agency_a, org_a, fund, client_for
):
    claim = b.approved(agency_a, org_a, reviewer, approver)
    client = client_for(reviewer)

    response = client.post(review_url(claim, "pay"), {"paid_on": "", "bank_reference": ""})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"paid_on", "bank_reference"}
    assert reload(claim).status == Claim.Status.APPROVED

    future = timezone.localdate() + dt.timedelta(days=3)
    response = client.post(
        review_url(claim, "pay"), {"paid_on": f"{future:%Y-%m-%d}", "bank_reference": "X1"}
    )
    assert response.status_code == 200 and response.context["form"].errors["paid_on"]

    today = timezone.localdate()
    response = client.post(
        review_url(claim, "pay"), {"paid_on": f"{today:%Y-%m-%d}", "bank_reference": " ICBC-0042 "}
    )
    assert response.status_code == 302
    claim = reload(claim)
    assert claim.status == Claim.Status.PAID
    assert (claim.paid_on, claim.bank_reference) == (today, "ICBC-0042")


def test_revoking_an_unpaid_approval_gives_the_money_back_to_the_fund(
    reviewer, approver, agency_a, org_a, fund, client_for
):
    claim = b.approved(agency_a, org_a, reviewer, approver)
    assert SpecialFund.objects.get(pk=fund.pk).committed == claim.approved_amount
    response = client_for(approver).post(review_url(claim, "revoke"), {"reason": "抽查核实虚假"})
    assert response.status_code == 302
    assert reload(claim).status == Claim.Status.REVOKED
    assert SpecialFund.objects.get(pk=fund.pk).committed == 0


# --- bulk actions -----------------------------------------------------------------------------


def test_reviewer_first_passes_several_claims_at_once(reviewer, agency_a, org_a, fund, client_for):
    one = b.submitted(agency_a, org_a, "loan_interest")
    two = b.submitted(agency_a, org_a, "fee_exemption", subjects=b.exemption_lines(org_a))
    url = reverse("admin:subsidies_claim_changelist")
    response = client_for(reviewer).post(
        url,
        {"action": "review_first_pass", "_selected_action": [one.pk, two.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert {reload(one).status, reload(two).status} == {Claim.Status.FIRST_PASSED}


def test_approval_and_payment_are_never_bulk_actions(approver, reviewer, client_for, db):
    for user in (approver, reviewer):
        response = client_for(user).get(reverse("admin:subsidies_claim_changelist"))
        choices = {
            name for name, _label in response.context["action_form"].fields["action"].choices
        }
        assert not {"review_approve", "review_pay", "review_revoke"} & choices
    assert "review_return" in choices and "review_first_pass" in choices


# --- officials read -------------------------------------------------------------------------


def test_official_reads_the_queue_but_has_no_actions_and_posts_are_forbidden(
    official, reviewer, agency_a, org_a, fund, client_for
):
    claim = b.submitted(agency_a, org_a)
    client = client_for(official)

    listing = client.get(reverse("admin:subsidies_claim_changelist"))
    assert listing.status_code == 200 and org_a.name in listing.content.decode()
    assert not [
        name
        for name in listing.context["cl"].model_admin.get_actions(listing.wsgi_request)
        if name.startswith("review_")
    ]
    page = client.get(change_url(claim))
    assert page.status_code == 200 and "data-action=" not in page.content.decode()
    assert page.context["review_buttons"] == []

    for url, data in (
        (review_url(claim, "first_pass"), {"reason": ""}),
        (review_url(claim, "reject"), {"reason": "不符合"}),
        (change_url(claim), {}),
        (
            reverse("admin:subsidies_claim_changelist"),
            {"action": "review_first_pass", "_selected_action": [claim.pk], "post": "yes"},
        ),
    ):
        assert client.post(url, data).status_code == 403, url
    assert reload(claim).status == Claim.Status.SUBMITTED


# --- the list -------------------------------------------------------------------------------


def test_queue_lists_the_longest_waiting_claim_first(reviewer, agency_a, org_a, fund, client_for):
    newer = b.submitted(agency_a, org_a, "loan_interest")
    older = b.submitted(agency_a, org_a, "fee_exemption", subjects=b.exemption_lines(org_a))
    Claim.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - dt.timedelta(days=9))
    draft = b.draft(agency_a, org_a, "ui_refund")
    response = client_for(reviewer).get(reverse("admin:subsidies_claim_changelist"))
    assert [c.pk for c in response.context["cl"].result_list] == [older.pk, newer.pk, draft.pk]


def test_queue_shows_periods_as_people_read_them_and_amounts_in_yuan(
    reviewer, agency_a, org_a, fund, client_for
):
    claim = b.submitted(agency_a, org_a, "loan_interest")
    assert re.fullmatch(r"\d{4}Q[1-4]", claim.period)  # the code the service stores
    response = client_for(reviewer).get(reverse("admin:subsidies_claim_changelist"))
    page = response.content.decode()
    year, quarter = claim.period.split("Q")
    assert f"{year}年第{quarter}季度" in page
    assert f">{claim.period}<" not in page
    assert "符合条件金额（元）" in page and "核定金额（元）" in page


def test_queue_filters_by_status_group_year_street_and_searches_the_credit_code(
    reviewer, agency_a, org_a, fund, client_for
):
    claim = b.submitted(agency_a, org_a)
    url = reverse("admin:subsidies_claim_changelist")
    client = client_for(reviewer)
    other_street = Street.objects.exclude(pk=org_a.street_id).first()
    cases = {
        "?status__exact=submitted": True,
        "?status__exact=approved": False,
        "?claim_type__group__exact=interest": True,
        "?claim_type__group__exact=seven": False,
        "?year=2026": True,
        "?year=2027": False,
        f"?agency__street__id__exact={org_a.street_id}": True,
        f"?agency__street__id__exact={other_street.pk}": False,
        f"?q={org_a.uscc}": True,
        f"?claim_type__id__exact={claim.claim_type_id}": True,
    }
    for query, listed in cases.items():
        result = list(client.get(url + query).context["cl"].result_list)
        assert (claim in result) is listed, query


def _claims(count: int, reviewer, approver) -> None:
    """Claims in every status at as many agencies (one live claim per agency, type, period)."""
    streets = list(Street.objects.all())
    start = Agency.objects.count()
    agencies = Agency.objects.bulk_create(
        Agency(
            name=f"查询计数家政服务有限公司{start + n}",
            uscc=factories.credit_code(500_000 + start + n),
            legal_representative="张三",
            contact_name="李四",
            phone="13800000000",
            address="昆都仑区钢铁大街1号",
            street=streets[n % len(streets)],
            founded_on=dt.date(2018, 5, 1),
            employee_count=10,
            status=Agency.Status.REGISTERED,
            registered_on=dt.date(2024, 3, 1),
        )
        for n in range(count)
    )
    types = list(ClaimType.objects.filter(policy_year=2026))
    statuses = list(Claim.Status.values)
    now = timezone.now()
    Claim.objects.bulk_create(
        Claim(
            agency=agency,
            claim_type=types[n % len(types)],
            period=b.PERIOD[types[n % len(types)].period_kind],
            status=statuses[n % len(statuses)],
            declared={},
            eligible_amount=Decimal("1000.00"),
            approved_amount=Decimal("800.00") if n % 3 == 0 else None,
            submitted_at=now - dt.timedelta(minutes=n),
            first_reviewed_by=reviewer if n % 2 else None,
            decided_by=approver if n % 3 == 0 else None,
            paid_on=dt.date(2026, 6, 1) if statuses[n % len(statuses)] == "paid" else None,
            bank_reference="BOC-1" if statuses[n % len(statuses)] == "paid" else "",
        )
        for n, agency in enumerate(agencies)
    )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_queue_runs_the_same_queries_for_10_and_1000_claims(reviewer, approver, fund, client_for):
    client = client_for(reviewer)
    url = reverse("admin:subsidies_claim_changelist")
    _claims(10, reviewer, approver)
    client.get(url)  # warm the caches (content types, sessions)
    small = _queries(client, url)
    _claims(990, reviewer, approver)
    assert Claim.objects.count() == 1000
    assert _queries(client, url) == small
    assert _queries(client, url + "?status__exact=submitted&year=2026") == _queries(
        client, url + "?status__exact=submitted&year=2026"
    )


# --- the ledger -------------------------------------------------------------------------------


def test_ledger_export_has_chinese_headers_and_only_the_filtered_claims(
    reviewer, approver, agency_a, org_a, agency_b, org_b, fund, client_for
):
    paid = b.paid(agency_a, org_a, reviewer, approver)
    waiting = b.submitted(agency_b, org_b)
    notice = Notice.objects.get(claim=paid)
    url = reverse("admin:subsidies_claim_export")

    response = client_for(approver).get(url + "?status__exact=paid")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    # The file name is Chinese (补贴申请台账-<date>.xlsx), so it is sent RFC 5987-encoded.
    assert unquote(response["Content-Disposition"]).endswith(".xlsx")
    assert "补贴申请台账-" in unquote(response["Content-Disposition"])
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    expected = [
        "agency", "unified social credit code", "street or town", "claim type", "policy group",
        "period", "status", "submitted at", "eligible amount", "approved amount",
        "first reviewer", "approved or refused by", "paid on", "bank reference",
        "amount to recover", "notice numbers", "reason for the last decision",
    ]  # fmt: skip
    assert list(header) == [gettext(label) for label in expected]
    for label in expected:
        if gettext(label) != label:  # translated in the catalogue: Chinese, not English
            assert HAN.search(gettext(label)), label
    for label in ("agency", "unified social credit code", "street or town", "status"):
        assert HAN.search(header[expected.index(label)])
    assert len(data) == 1
    row = dict(zip(expected, data[0], strict=True))
    assert row["agency"] == org_a.name and row["unified social credit code"] == org_a.uscc
    assert row["street or town"] == org_a.street.name
    assert row["claim type"] == paid.claim_type.name
    assert row["status"] == paid.get_status_display()
    assert isinstance(row["approved amount"], int | float)  # a number Excel can sum
    assert Decimal(str(row["approved amount"])) == paid.approved_amount
    assert row["paid on"].date() == paid.paid_on
    assert row["bank reference"] == "BOC-2026-0001"
    assert row["notice numbers"] == notice.number
    assert waiting.agency.name not in {r[0] for r in data}


def test_claim_page_shows_subsidised_workers_id_in_full_to_reviewers_only(
    reviewer, official, agency_a, org_a, fund, client_for
):
    b.file_employee_system(org_a)
    workers = [factories.make_worker(org_a) for _ in range(2)]
    numbers = [w.person.id_number for w in workers]
    claim = b.submitted(agency_a, org_a, "health_check", subjects=numbers)
    url = change_url(claim)

    seen_by_reviewer = client_for(reviewer).get(url).content.decode()
    seen_by_official = client_for(official).get(url).content.decode()

    for worker in workers:
        assert worker.person.name in seen_by_reviewer
        assert worker.person.id_number in seen_by_reviewer
        assert worker.person.id_number not in seen_by_official
        assert worker.person.id_masked in seen_by_official
