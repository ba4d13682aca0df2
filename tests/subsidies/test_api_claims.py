"""Filing, editing and deciding subsidy claims through the API; notices and the catalogue."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from agencies.models import Agency, AgencyStanding, EmployeeSystemFiling
from kunqu_jiafu.accounts.roles import APPROVER, REVIEWER
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.documents.services import document_store
from subsidies import permissions, services, tasks
from subsidies.models import Claim, ClaimAttachment, ClaimType, Notice, SpecialFund
from tests import factories
from tests.subsidies.core_builders import exemption_lines

JSON = "application/json"
PDF_BYTES = factories.PDF
LOAN = {
    "lender": "中国银行包头昆都仑支行",
    "contract_number": "BT-2025-0601",
    "loan_amount": "300000.00",
    "annual_rate": "6.00",
    "loan_start": "2025-06-01",
    "loan_end": "2027-05-31",
    "interest_paid": "4321.09",
}


@pytest.fixture(autouse=True)
def queued(monkeypatch) -> list[int]:
    """No PDF engine here: record the notices queued for rendering instead."""
    calls: list[int] = []
    monkeypatch.setattr(
        tasks.render_notice, "apply_async", lambda args, *a, **k: calls.append(args[0])
    )
    return calls


@pytest.fixture
def loan_type(db) -> ClaimType:
    return ClaimType.objects.get(code="loan_interest", policy_year=2026)


@pytest.fixture
def fund(approver) -> SpecialFund:
    return services.fund_set(actor=approver, year=2026, amount="1000000.00")


@pytest.fixture
def both_roles(db):
    """One person who is both reviewer and approver: four eyes must still hold."""
    return factories.make_user("both", REVIEWER, APPROVER, full_name="吴双岗")


def pdf(name: str = "回单.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def post(client, url: str, data: dict):
    return client.post(url, json.dumps(data), content_type=JSON)


def patch(client, url: str, data: dict):
    return client.patch(url, json.dumps(data), content_type=JSON)


def create(client, claim_type: ClaimType, declared=None, **extra):
    return post(
        client,
        "/api/claims/",
        {"claim_type": claim_type.pk, "declared": LOAN if declared is None else declared, **extra},
    )


def draft_for(user, agency: Agency, claim_type: ClaimType, period: str = "2026Q1") -> Claim:
    claim = services.claim_create(
        actor=user, agency=agency, claim_type=claim_type, period=period, declared=LOAN
    )
    for code, _label in claim_type.required_attachments:
        services.claim_attach(actor=user, claim=claim, code=code, upload=pdf())
    return claim


def first_passed(agency_user, agency, reviewer, claim_type, period="2026Q1") -> Claim:
    claim = draft_for(agency_user, agency, claim_type, period)
    claim = services.claim_act(actor=agency_user, claim=claim, action="submit")
    return services.claim_act(actor=reviewer, claim=claim, action="first_pass")


def transition(client, claim: Claim, **data):
    return post(client, f"/api/claims/{claim.pk}/transition/", data)


# --- the whole way through the API ----------------------------------------------------


def test_agency_files_a_claim_and_two_staff_decide_and_pay_it(
    agency_a,
    org_a,
    reviewer,
    approver,
    fund,
    loan_type,
    client_for,
    queued,
    django_capture_on_commit_callbacks,
):
    agency = client_for(agency_a)
    response = create(agency, loan_type, period="2026q2")
    assert response.status_code == 201, response.json()
    body = response.json()
    claim_id = body["id"]
    assert body["status"] == "draft"
    assert body["period"] == "2026Q2"
    assert body["agency"] == org_a.pk
    assert body["eligible_amount"] == "4321.09"
    assert any("4,321.09" in line for line in body["trace"])
    assert body["eligibility_notes"] == []
    assert [a["action"] for a in body["available_actions"]] == ["submit", "withdraw"]
    assert {m["code"] for m in body["missing_attachments"]} == {
        "loan_contract",
        "interest_receipt",
    }

    # Change one figure; the other keeps its value and the amount is recomputed.
    response = patch(agency, f"/api/claims/{claim_id}/", {"declared": {"interest_paid": "4400"}})
    assert response.status_code == 200, response.json()
    assert response.json()["declared"] == {**LOAN, "interest_paid": "4400"}
    assert response.json()["eligible_amount"] == "4400.00"

    for code in ("loan_contract", "interest_receipt"):
        response = agency.post(
            f"/api/claims/{claim_id}/attachments/", {"code": code, "file": pdf()}
        )
        assert response.status_code == 201, response.json()
        stored = ClaimAttachment.objects.get(pk=response.json()["id"]).document
        assert response.json()["url"] == stored.get_absolute_url()
    detail = agency.get(f"/api/claims/{claim_id}/").json()
    assert detail["missing_attachments"] == []
    assert {a["label"] for a in detail["attachments"]} == {"创业担保贷款合同", "银行利息支付回单"}
    assert agency.get(detail["attachments"][0]["url"]).status_code == 200

    response = transition(agency, Claim(pk=claim_id), action="submit")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "submitted"
    assert response.json()["available_actions"] == []

    response = transition(client_for(reviewer), Claim(pk=claim_id), action="first_pass")
    assert response.status_code == 200, response.json()
    assert response.json()["first_reviewed_by_name"]

    with django_capture_on_commit_callbacks(execute=True):
        response = transition(
            client_for(approver), Claim(pk=claim_id), action="approve", approved_amount="4300.00"
        )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "approved"
    assert body["approved_amount"] == "4300.00"
    [notice] = body["notices"]
    assert notice["kind"] == "approval"
    assert notice["number"] == "昆人社家补〔2026〕0001号"
    assert notice["amount"] == "4300.00"
    assert notice["download_url"] is None  # not rendered yet
    assert queued == [notice["id"]]
    fund.refresh_from_db()
    assert fund.committed == Decimal("4300.00")

    response = transition(
        client_for(reviewer),
        Claim(pk=claim_id),
        action="pay",
        paid_on=str(timezone.localdate()),
        bank_reference="BOC-2026-0001",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "paid"
    assert response.json()["bank_reference"] == "BOC-2026-0001"
    actions = AuditEntry.objects.filter(action__startswith="subsidies.claim.").values_list(
        "action", flat=True
    )
    assert {
        "subsidies.claim.created",
        "subsidies.claim.updated",
        "subsidies.claim.attached",
        "subsidies.claim.submitted",
        "subsidies.claim.first_passed",
        "subsidies.claim.approved",
        "subsidies.claim.paid",
    } <= set(actions)


def test_period_defaults_to_the_current_period_of_the_type(agency_a, loan_type, client_for):
    response = create(client_for(agency_a), loan_type)
    assert response.status_code == 201, response.json()
    today = timezone.localdate()
    assert response.json()["period"] == f"2026Q{(today.month - 1) // 3 + 1}"


def test_approver_who_did_the_first_review_is_refused_with_the_reason(
    agency_a, org_a, both_roles, fund, loan_type, client_for
):
    claim = first_passed(agency_a, org_a, both_roles, loan_type)
    response = transition(client_for(both_roles), claim, action="approve")
    assert response.status_code == 403
    with translation.override(settings.LANGUAGE_CODE):
        expected = permissions.can_transition(both_roles, claim, "approve")[1]
    assert response.json()["detail"] == expected
    claim.refresh_from_db()
    assert claim.status == "first_passed"
    assert not Notice.objects.exists()
    # The same user is not offered the action either.
    listed = client_for(both_roles).get(f"/api/claims/{claim.pk}/").json()
    assert "approve" not in [a["action"] for a in listed["available_actions"]]


def test_approval_beyond_the_fund_is_refused_naming_approved_amount(
    agency_a, org_a, reviewer, approver, loan_type, client_for
):
    services.fund_set(actor=approver, year=2026, amount="1000.00")
    claim = first_passed(agency_a, org_a, reviewer, loan_type)
    response = transition(client_for(approver), claim, action="approve")
    assert response.status_code == 400
    assert "approved_amount" in response.json()
    assert "1000.00" in response.json()["approved_amount"][0]
    claim.refresh_from_db()
    assert claim.status == "first_passed"
    assert SpecialFund.objects.get().committed == 0
    assert not Notice.objects.exists()


def test_approving_more_than_eligible_is_refused(
    agency_a, org_a, reviewer, approver, fund, loan_type, client_for
):
    claim = first_passed(agency_a, org_a, reviewer, loan_type)
    response = transition(client_for(approver), claim, action="approve", approved_amount="99999")
    assert response.status_code == 400
    assert "approved_amount" in response.json()


def test_reject_without_reason_names_reason(agency_a, org_a, reviewer, loan_type, client_for):
    claim = draft_for(agency_a, org_a, loan_type)
    services.claim_act(actor=agency_a, claim=claim, action="submit")
    response = transition(client_for(reviewer), claim, action="reject")
    assert response.status_code == 400
    assert "reason" in response.json()


def test_submit_without_attachments_names_attachments(agency_a, org_a, loan_type, client_for):
    claim = services.claim_create(
        actor=agency_a, agency=org_a, claim_type=loan_type, period="2026Q1", declared=LOAN
    )
    response = transition(client_for(agency_a), claim, action="submit")
    assert response.status_code == 400
    assert "attachments" in response.json()
    assert "创业担保贷款合同" in response.json()["attachments"][0]


def test_agency_cannot_approve_its_own_claim(agency_a, org_a, loan_type, client_for):
    claim = draft_for(agency_a, org_a, loan_type)
    response = transition(client_for(agency_a), claim, action="approve")
    assert response.status_code == 403
    assert response.json()["detail"]


# --- refusals with the field named ------------------------------------------------------


def test_duplicate_claim_for_the_same_period_is_400_on_period(agency_a, loan_type, client_for):
    client = client_for(agency_a)
    assert create(client, loan_type, period="2026Q1").status_code == 201
    response = create(client, loan_type, period="2026Q1")
    assert response.status_code == 400
    assert "period" in response.json()
    assert "2026Q1" in response.json()["period"][0]
    assert Claim.objects.count() == 1


def test_period_of_the_wrong_shape_is_400_on_period(agency_a, loan_type, client_for):
    response = create(client_for(agency_a), loan_type, period="2026-05")
    assert response.status_code == 400
    assert "2026Q3" in response.json()["period"][0]
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    ("declared", "field"),
    [
        ({**LOAN, "interest_paid": "abc"}, "interest_paid"),
        ({**LOAN, "interest_paid": "-5"}, "interest_paid"),
        ({**LOAN, "interest_paid": "1.234"}, "interest_paid"),
        ({k: v for k, v in LOAN.items() if k != "interest_paid"}, "interest_paid"),
        ({**LOAN, "loan_amount": "", "interest_paid": "10"}, "loan_amount"),
        ({**LOAN, "interest_paid": "NaN"}, "interest_paid"),
        ({**LOAN, "interest_paid": "Infinity"}, "interest_paid"),
        ({**LOAN, "interest_paid": "1e400"}, "interest_paid"),
        ({**LOAN, "interest_paid": "99999999999999999"}, "interest_paid"),
    ],
)
def test_bad_declared_figure_is_400_naming_it(declared, field, agency_a, loan_type, client_for):
    response = create(client_for(agency_a), loan_type, declared=declared)
    assert response.status_code == 400
    errors = response.json()["declared"]
    assert list(errors) == [field]
    assert "“" in errors[field][0]  # the message quotes the figure's Chinese label
    assert not Claim.objects.exists()


def test_declared_number_too_large_for_a_float_is_400_naming_it(agency_a, loan_type, client_for):
    loan = json.dumps({k: v for k, v in LOAN.items() if k != "interest_paid"})[1:-1]
    body = f'{{"claim_type": {loan_type.pk}, "declared": {{{loan}, "interest_paid": 1e400}}}}'
    response = client_for(agency_a).post("/api/claims/", body, content_type=JSON)
    assert response.status_code == 400
    assert list(response.json()["declared"]) == ["interest_paid"]
    assert not Claim.objects.exists()


def test_declared_figures_may_be_json_numbers(agency_a, loan_type, client_for):
    response = create(
        client_for(agency_a),
        loan_type,
        declared={**LOAN, "loan_amount": 300000, "interest_paid": 12.5},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["eligible_amount"] == "12.50"


def test_unknown_declared_figure_is_400_naming_it(agency_a, loan_type, client_for):
    response = create(client_for(agency_a), loan_type, declared={**LOAN, "bonus": "1"})
    assert response.status_code == 400
    assert list(response.json()["declared"]) == ["bonus"]
    assert "interest_paid" in response.json()["declared"]["bonus"][0]


def test_declared_must_be_an_object_of_figures(agency_a, loan_type, client_for):
    for declared in (["4321"], "4321", {"interest_paid": ["1"]}):
        response = create(client_for(agency_a), loan_type, declared=declared)
        assert response.status_code == 400, declared
        assert "declared" in response.json()


def test_bad_figure_in_an_update_names_it_and_keeps_the_draft(
    agency_a, org_a, loan_type, client_for
):
    claim = draft_for(agency_a, org_a, loan_type)
    response = patch(
        client_for(agency_a), f"/api/claims/{claim.pk}/", {"declared": {"interest_paid": "x"}}
    )
    assert response.status_code == 400
    assert list(response.json()["declared"]) == ["interest_paid"]
    claim.refresh_from_db()
    assert claim.declared == LOAN


def test_period_and_type_cannot_be_changed_by_patch(agency_a, org_a, loan_type, client_for):
    claim = draft_for(agency_a, org_a, loan_type)
    response = patch(client_for(agency_a), f"/api/claims/{claim.pk}/", {"period": "2026Q2"})
    assert response.status_code == 400
    assert "period" in response.json()


def test_fee_exemptions_are_entered_through_the_api_and_kept_when_no_list_is_sent(
    agency_a, org_a, client_for
):
    fee = ClaimType.objects.get(code="fee_exemption", policy_year=2026)
    client = client_for(agency_a)
    lines = exemption_lines(org_a, 3)
    response = post(
        client,
        "/api/claims/",
        {"claim_type": fee.pk, "period": "2026-03", "declared": {}, "subjects": lines[:2]},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["eligible_amount"] == "100.00"
    labels = [s["label"] for s in response.json()["subjects"]]
    assert len(labels) == 2 and all(label.startswith("*" * 14) for label in labels)
    assert lines[0].split("\t")[0] not in json.dumps(response.json())  # the head's ID: masked
    claim_id = response.json()["id"]
    response = patch(client, f"/api/claims/{claim_id}/", {"declared": {}})
    assert response.status_code == 200, response.json()
    assert response.json()["eligible_amount"] == "100.00"
    response = patch(client, f"/api/claims/{claim_id}/", {"subjects": lines})
    assert response.status_code == 200, response.json()
    assert response.json()["eligible_amount"] == "150.00"
    assert len(response.json()["subjects"]) == 3
    bad = patch(client, f"/api/claims/{claim_id}/", {"subjects": ["only one column"]})
    assert bad.status_code == 400 and "subjects" in bad.json()


def test_person_subjects_survive_an_update_of_another_figure(agency_a, org_a, approver, client_for):
    EmployeeSystemFiling.objects.create(
        agency=org_a,
        status=EmployeeSystemFiling.Status.FILED,
        valid_from=dt.date(2020, 1, 1),  # in force for every claim period of these tests
        valid_until=dt.date(2099, 12, 31),
        signs_customer_contracts=True,
        dispatches_workers=True,
        pays_wages_directly=True,
        trains_continuously=True,
        submitted_at=timezone.now(),
    )
    workers = [factories.make_worker(org_a) for _ in range(2)]
    health = ClaimType.objects.get(code="health_check", policy_year=2026)
    client = client_for(agency_a)
    response = post(
        client,
        "/api/claims/",
        {
            "claim_type": health.pk,
            "declared": {"count": "2", "actual_cost": "300.00"},
            "subjects": [w.person.id_number for w in workers],
        },
    )
    assert response.status_code == 201, response.json()
    claim_id = response.json()["id"]
    response = patch(client, f"/api/claims/{claim_id}/", {"declared": {"actual_cost": "350"}})
    assert response.status_code == 200, response.json()
    assert response.json()["eligible_amount"] == "350.00"
    assert sorted(s["label"] for s in response.json()["subjects"]) == sorted(
        w.person.name for w in workers
    )


def test_attachment_with_a_fake_pdf_is_400_on_file(agency_a, org_a, loan_type, client_for):
    claim = draft_for(agency_a, org_a, loan_type)
    before = ClaimAttachment.objects.count()
    fake = SimpleUploadedFile("合同.pdf", b"just text, not a PDF", content_type="application/pdf")
    response = client_for(agency_a).post(
        f"/api/claims/{claim.pk}/attachments/", {"code": "loan_contract", "file": fake}
    )
    assert response.status_code == 400
    assert "file" in response.json()
    assert "PDF" in response.json()["file"][0]
    assert ClaimAttachment.objects.count() == before


def test_attachment_of_an_unknown_kind_is_400_on_code(agency_a, org_a, loan_type, client_for):
    claim = draft_for(agency_a, org_a, loan_type)
    response = client_for(agency_a).post(
        f"/api/claims/{claim.pk}/attachments/", {"code": "selfie", "file": pdf()}
    )
    assert response.status_code == 400
    assert "code" in response.json()


def test_attachment_without_a_file_is_400_on_file(agency_a, org_a, loan_type, client_for):
    claim = draft_for(agency_a, org_a, loan_type)
    response = client_for(agency_a).post(
        f"/api/claims/{claim.pk}/attachments/", {"code": "loan_contract"}
    )
    assert response.status_code == 400
    assert "file" in response.json()


def test_attachment_as_json_is_415_not_500(agency_a, org_a, loan_type, client_for):
    claim = draft_for(agency_a, org_a, loan_type)
    response = post(
        client_for(agency_a), f"/api/claims/{claim.pk}/attachments/", {"code": "loan_contract"}
    )
    assert response.status_code == 415


def test_agency_removes_an_attachment_of_its_draft_but_not_after_submitting(
    agency_a, org_a, loan_type, client_for
):
    claim = draft_for(agency_a, org_a, loan_type)
    client = client_for(agency_a)
    extra = services.claim_attach(actor=agency_a, claim=claim, code="other", upload=pdf())
    response = client.delete(f"/api/claims/{claim.pk}/attachments/{extra.pk}/")
    assert response.status_code == 204
    assert not ClaimAttachment.objects.filter(pk=extra.pk).exists()
    assert client.delete(f"/api/claims/{claim.pk}/attachments/{extra.pk}/").status_code == 404
    services.claim_act(actor=agency_a, claim=claim, action="submit")
    kept = claim.attachments.first()
    response = client.delete(f"/api/claims/{claim.pk}/attachments/{kept.pk}/")
    assert response.status_code == 403
    assert ClaimAttachment.objects.filter(pk=kept.pk).exists()


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b'{"claim_type": "abc", "declared": {}}',
        b'{"claim_type": 999999, "declared": {}}',
        b"[]",
        b"null",
    ],
)
def test_malformed_create_is_400(body, agency_a, client_for):
    response = client_for(agency_a).post("/api/claims/", body, content_type=JSON)
    assert response.status_code == 400
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"action": "approve", "approved_amount": "12abc"}, "approved_amount"),
        ({"action": "approve", "approved_amount": "1.234"}, "approved_amount"),
        ({"action": "approve", "approved_amount": "-1"}, "approved_amount"),
        ({"action": "approve", "approved_amount": "1e400"}, "approved_amount"),
        ({"action": "approve", "approved_amount": "NaN"}, "approved_amount"),
        ({"action": "pay", "paid_on": "2026-13-45"}, "paid_on"),
        ({"action": "pay", "paid_on": "yesterday"}, "paid_on"),
        ({"action": "fly"}, "action"),
        ({}, "action"),
    ],
)
def test_bad_transition_input_is_400_naming_the_field(
    data, field, agency_a, org_a, reviewer, approver, fund, loan_type, client_for
):
    claim = first_passed(agency_a, org_a, reviewer, loan_type)
    response = transition(client_for(approver), claim, **data)
    assert response.status_code == 400, response.content
    assert field in response.json()
    claim.refresh_from_db()
    assert claim.status == "first_passed"


def test_payment_in_the_future_or_without_reference_is_refused(
    agency_a, org_a, reviewer, approver, fund, loan_type, client_for
):
    claim = first_passed(agency_a, org_a, reviewer, loan_type)
    services.claim_act(actor=approver, claim=claim, action="approve")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    client = client_for(reviewer)
    response = transition(client, claim, action="pay", paid_on=str(tomorrow), bank_reference="X")
    assert response.status_code == 400
    assert "paid_on" in response.json()
    response = transition(client, claim, action="pay", paid_on=str(timezone.localdate()))
    assert response.status_code == 400
    assert "bank_reference" in response.json()


def test_malformed_transition_json_is_400(agency_a, org_a, loan_type, client_for):
    claim = draft_for(agency_a, org_a, loan_type)
    response = client_for(agency_a).post(
        f"/api/claims/{claim.pk}/transition/", b'{"action": ', content_type=JSON
    )
    assert response.status_code == 400


def test_bad_filter_values_are_400_not_500(reviewer, client_for, db):
    client = client_for(reviewer)
    for query in ("?year=abc", "?status=nonsense", "?street=x", "?group=none", "?ordering=zz"):
        response = client.get("/api/claims/" + query)
        assert response.status_code in (200, 400), query
    assert client.get("/api/claims/?year=abc").status_code == 400
    assert client.get("/api/claims/abc/").status_code == 404


# --- filters, search and ordering --------------------------------------------------------


def test_claims_filter_by_status_type_group_year_agency_and_street(
    agency_a, agency_b, org_a, org_b, reviewer, loan_type, client_for
):
    ui = ClaimType.objects.get(code="ui_refund", policy_year=2026)
    mine = draft_for(agency_a, org_a, loan_type)
    theirs = services.claim_create(
        actor=agency_b,
        agency=org_b,
        claim_type=ui,
        period="2026",
        declared={
            "premiums_last_year": "12000",
            "insured_end_last_year": "40",
            "insured_end_this_year": "39",
        },
    )
    services.claim_act(actor=agency_a, claim=mine, action="submit")
    client = client_for(reviewer)

    def ids(query: str) -> set[int]:
        response = client.get("/api/claims/" + query)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids("") == {mine.pk, theirs.pk}
    assert ids("?status=submitted") == {mine.pk}
    assert ids("?status=draft&status=submitted") == {mine.pk, theirs.pk}
    assert ids(f"?claim_type={ui.pk}") == {theirs.pk}
    assert ids("?claim_type_code=loan_interest") == {mine.pk}
    assert ids("?group=job_stability") == {theirs.pk}
    assert ids("?year=2026") == {mine.pk, theirs.pk}
    assert ids("?year=2025") == set()
    assert ids(f"?agency={org_b.pk}") == {theirs.pk}
    assert ids(f"?street={org_a.street_id}") == {mine.pk, theirs.pk}
    assert ids("?search=乙养老") == {theirs.pk}
    assert ids("?search=创业担保") == {mine.pk}
    ordered = client.get("/api/claims/?ordering=eligible_amount").json()["results"]
    amounts = [Decimal(row["eligible_amount"]) for row in ordered]
    assert amounts == sorted(amounts)


# --- the catalogue ------------------------------------------------------------------------


def test_claim_types_show_fields_attachments_and_eligibility_for_the_agency(
    agency_a, org_a, client_for
):
    AgencyStanding.objects.create(agency=org_a, year=2026, rating="excellent")
    response = client_for(agency_a).get("/api/claim-types/?year=2026")
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()["results"]}
    assert len(rows) == 13  # centre and station are two awards
    loan = rows["loan_interest"]
    assert loan["group"] == "interest"
    assert loan["period_kind"] == "quarter"
    assert [f["name"] for f in loan["declared_fields"]] == [
        "lender",
        "contract_number",
        "loan_amount",
        "annual_rate",
        "loan_start",
        "loan_end",
        "interest_paid",
    ]
    assert loan["declared_fields"][-1]["label"] == "本期实际支付利息（元）"
    assert loan["declared_fields"][-1]["kind"] == "money"
    assert loan["required_attachments"][0] == {"code": "loan_contract", "label": "创业担保贷款合同"}
    assert loan["eligible"] is True
    assert loan["ineligible_reasons"] == []
    assert rows["excellence_award"]["eligible"] is True
    accident = rows["accident_insurance"]
    assert accident["eligible"] is False
    assert any("员工制" in reason for reason in accident["ineligible_reasons"])
    assert rows["fee_exemption"]["subject_kind"] == "order"
    assert rows["station_award"]["eligible"] is False


def test_staff_see_the_catalogue_without_eligibility(reviewer, client_for, db):
    rows = client_for(reviewer).get("/api/claim-types/").json()["results"]
    assert rows
    assert all(row["eligible"] is None and row["ineligible_reasons"] == [] for row in rows)


def test_a_suspended_agency_is_told_why_it_cannot_claim(agency_a, org_a, client_for):
    Agency.objects.filter(pk=org_a.pk).update(status=Agency.Status.SUSPENDED)
    rows = client_for(agency_a).get("/api/claim-types/?group=interest").json()["results"]
    [loan] = rows
    assert loan["eligible"] is False
    assert "暂停" in loan["ineligible_reasons"][0]


# --- notices ----------------------------------------------------------------------------


def _rendered(notice: Notice) -> Notice:
    notice.document = document_store(
        SimpleUploadedFile(f"{notice.number}.pdf", PDF_BYTES),
        allowed=("application/pdf",),
        field="file",
        owner=notice.claim,
        purpose=notice.kind,
    )
    notice.rendered_at = timezone.now()
    notice.save()
    return notice


@pytest.fixture
def notice(agency_a, org_a, reviewer, approver, fund, loan_type) -> Notice:
    claim = first_passed(agency_a, org_a, reviewer, loan_type)
    services.claim_act(actor=approver, claim=claim, action="approve")
    return Notice.objects.get(claim=claim)


def test_notice_download_waits_for_the_pdf(notice, agency_a, client_for):
    response = client_for(agency_a).get(f"/api/notices/{notice.pk}/download/")
    assert response.status_code == 404
    with translation.override(settings.LANGUAGE_CODE):
        expected = translation.gettext(
            "The notice is still being prepared; please try again shortly."
        )
    assert response.json()["detail"] == expected


def test_agency_downloads_its_notice_pdf_whatever_it_accepts(notice, agency_a, client_for):
    _rendered(notice)
    client = client_for(agency_a)
    listed = client.get("/api/notices/").json()["results"]
    assert [row["number"] for row in listed] == [notice.number]
    url = listed[0]["download_url"]
    assert url == f"/api/notices/{notice.pk}/download/"
    for accept in ("application/pdf", "*/*", "text/html,application/xhtml+xml,*/*;q=0.8"):
        response = client.get(url, HTTP_ACCEPT=accept)
        assert response.status_code == 200, accept
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == PDF_BYTES
    claim = client.get(f"/api/claims/{notice.claim_id}/").json()
    assert claim["notices"][0]["download_url"] == url


def test_notice_download_with_a_token(notice, agency_a, client):
    from kunqu_jiafu.tokens.services import token_issue

    _rendered(notice)
    token = token_issue(agency_a).plain
    response = client.get(
        f"/api/notices/{notice.pk}/download/", HTTP_AUTHORIZATION=f"Token {token}"
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_other_agency_gets_404_for_the_notice_and_its_pdf(notice, agency_b, client_for):
    _rendered(notice)
    client = client_for(agency_b)
    assert client.get("/api/notices/").json()["results"] == []
    assert client.get(f"/api/notices/{notice.pk}/").status_code == 404
    assert client.get(f"/api/notices/{notice.pk}/download/").status_code == 404
    assert client.get(notice.document.get_absolute_url()).status_code == 404


def test_rejection_issues_a_rejection_notice_visible_on_the_claim(
    agency_a, org_a, reviewer, loan_type, client_for
):
    claim = draft_for(agency_a, org_a, loan_type)
    services.claim_act(actor=agency_a, claim=claim, action="submit")
    response = transition(client_for(reviewer), claim, action="reject", reason="材料不实")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "rejected"
    assert response.json()["last_reason"] == "材料不实"
    [notice] = response.json()["notices"]
    assert notice["kind"] == "rejection"
    assert notice["amount"] is None


# --- funds ------------------------------------------------------------------------------


def test_staff_read_the_fund_balance(
    fund, agency_a, org_a, reviewer, approver, loan_type, client_for
):
    claim = first_passed(agency_a, org_a, reviewer, loan_type)
    services.claim_act(actor=approver, claim=claim, action="approve", approved_amount="1000")
    for user in (reviewer, approver):
        [row] = client_for(user).get("/api/funds/?year=2026").json()["results"]
        assert row["amount"] == "1000000.00"
        assert row["committed"] == "1000.00"
        assert row["remaining"] == "999000.00"
        assert row["claim_type"] is None
        assert row["claim_type_name"] is None


def test_agency_users_are_refused_the_fund(fund, agency_a, client_for):
    response = client_for(agency_a).get("/api/funds/")
    assert response.status_code == 403
    assert client_for(agency_a).get(f"/api/funds/{fund.pk}/").status_code == 403


def test_notice_whose_file_was_not_restored_answers_404_file_missing(notice, agency_a, client_for):
    """A database restored without its media folder: the API says the file is missing."""
    from kunqu_jiafu.audit.models import AuditEntry

    _rendered(notice)
    notice.document.file.storage.delete(notice.document.file.name)
    response = client_for(agency_a).get(f"/api/notices/{notice.pk}/download/")
    assert response.status_code == 404
    assert "文件缺失" in response.json()["detail"]
    assert AuditEntry.objects.filter(action="documents.document.file_missing").count() == 1
