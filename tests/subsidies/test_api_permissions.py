"""Who may read and write what through the subsidies API.

Rows: a URL filled with agency A's objects, then what each actor gets, in the order of
``ACTORS``. Agency B finds nothing of A's (404, like a missing object); officials read and
never write; reviewers and approvers decide but never fill in an agency's claim.
"""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone, translation

from kunqu_jiafu.documents.services import document_store
from kunqu_jiafu.drf import OfficialsReadOnly
from subsidies import permissions, services, tasks
from subsidies.models import Claim, ClaimAttachment, ClaimType, Notice, SpecialFund
from tests import factories

ACTORS = ("anonymous", "agency_a", "agency_b", "reviewer", "approver", "official")
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


def pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("回单.pdf", PDF_BYTES, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _no_pdf_engine(monkeypatch):
    monkeypatch.setattr(tasks.render_notice, "apply_async", lambda *a, **k: None)


@pytest.fixture
def world(agency_a, agency_b, org_a, org_b, reviewer, approver, official):
    loan = ClaimType.objects.get(code="loan_interest", policy_year=2026)
    fund = services.fund_set(actor=approver, year=2026, amount="1000000.00")

    def draft(user, agency, period):
        claim = services.claim_create(
            actor=user, agency=agency, claim_type=loan, period=period, declared=LOAN
        )
        for code, _label in loan.required_attachments:
            services.claim_attach(actor=user, claim=claim, code=code, upload=pdf())
        return claim

    def move(user, claim, action, **kwargs):
        return services.claim_act(actor=user, claim=claim, action=action, **kwargs)

    claim_a = draft(agency_a, org_a, "2026Q1")
    submitted_a = move(agency_a, draft(agency_a, org_a, "2026Q2"), "submit")
    passed_a = move(
        reviewer, move(agency_a, draft(agency_a, org_a, "2026Q3"), "submit"), "first_pass"
    )
    approved_a = move(
        approver,
        move(reviewer, move(agency_a, draft(agency_a, org_a, "2026Q4"), "submit"), "first_pass"),
        "approve",
    )
    notice_a = Notice.objects.get(claim=approved_a)
    notice_a.document = document_store(
        SimpleUploadedFile(f"{notice_a.number}.pdf", PDF_BYTES),
        allowed=("application/pdf",),
        field="file",
        owner=approved_a,
        purpose="approval",
    )
    notice_a.rendered_at = timezone.now()
    notice_a.save()
    return {
        "users": {
            "agency_a": agency_a,
            "agency_b": agency_b,
            "reviewer": reviewer,
            "approver": approver,
            "official": official,
        },
        "loan": loan,
        "fund": fund,
        "claim_a": claim_a,
        "attachment_a": claim_a.attachments.first(),
        "submitted_a": submitted_a,
        "passed_a": passed_a,
        "approved_a": approved_a,
        "notice_a": notice_a,
        "claim_b": draft(agency_b, org_b, "2026Q1"),
    }


def _client(world, actor: str, client_for):
    if actor == "anonymous":
        from django.contrib.auth.models import AnonymousUser

        return client_for(AnonymousUser())
    return client_for(world["users"][actor])


def _fill(url: str, world) -> str:
    return url.format(**{k: v for k, v in world.items() if k != "users"})


def _fingerprint() -> tuple:
    """Everything a refused write must leave as it was."""
    return (
        sorted(
            Claim.objects.values_list(
                "pk", "status", "declared", "eligible_amount", "approved_amount", "paid_on"
            )
        ),
        sorted(ClaimAttachment.objects.values_list("pk", "claim_id", "code")),
        sorted(Notice.objects.values_list("pk", "number")),
        sorted(SpecialFund.objects.values_list("pk", "amount", "committed")),
    )


# --- reads ------------------------------------------------------------------------------

# fmt: off
READS = [
    # url                                          anonymous agency_a agency_b reviewer approver official
    ("/api/claim-types/",                           403,      200,     200,     200,     200,     200),
    ("/api/claim-types/{loan.pk}/",                 403,      200,     200,     200,     200,     200),
    ("/api/claims/",                                403,      200,     200,     200,     200,     200),
    ("/api/claims/{claim_a.pk}/",                   403,      200,     404,     200,     200,     200),
    ("/api/claims/{approved_a.pk}/",                403,      200,     404,     200,     200,     200),
    ("/api/notices/",                               403,      200,     200,     200,     200,     200),
    ("/api/notices/{notice_a.pk}/",                 403,      200,     404,     200,     200,     200),
    ("/api/notices/{notice_a.pk}/download/",        403,      200,     404,     200,     200,     404),  # officials get no file
    ("/api/funds/",                                 403,      403,     403,     200,     200,     200),
    ("/api/funds/{fund.pk}/",                       403,      403,     403,     200,     200,     200),
]
# fmt: on


@pytest.mark.parametrize("row", READS, ids=[row[0] for row in READS])
def test_read_matrix(row, world, client_for):
    url, *expected = row
    for actor, status in zip(ACTORS, expected, strict=True):
        response = _client(world, actor, client_for).get(_fill(url, world))
        assert response.status_code == status, f"{actor} GET {url}: {response.status_code}"


@pytest.mark.parametrize("row", READS, ids=[row[0] for row in READS])
def test_browsable_api_answers_the_same_as_json(row, world, client_for):
    url, *expected = row
    for actor, status in zip(ACTORS, expected, strict=True):
        response = _client(world, actor, client_for).get(
            _fill(url, world), HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8"
        )
        assert response.status_code == status, f"{actor} GET {url} as a browser"
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if actor == "agency_b" and status == 200:
            assert world["claim_a"].agency.name.encode() not in body, url


def test_each_agency_lists_only_its_own_claims_and_notices(world, client_for):
    a = _client(world, "agency_a", client_for)
    b = _client(world, "agency_b", client_for)
    mine = {row["id"] for row in a.get("/api/claims/").json()["results"]}
    assert mine == {world[k].pk for k in ("claim_a", "submitted_a", "passed_a", "approved_a")}
    assert {row["id"] for row in b.get("/api/claims/").json()["results"]} == {world["claim_b"].pk}
    assert [row["id"] for row in a.get("/api/notices/").json()["results"]] == [world["notice_a"].pk]
    assert b.get("/api/notices/").json()["results"] == []
    # Filtering by A's agency id shows B nothing either.
    agency_a_id = world["claim_a"].agency_id
    assert b.get(f"/api/claims/?agency={agency_a_id}").json()["results"] == []


def test_staff_list_every_agencys_claims(world, client_for):
    for actor in ("reviewer", "approver", "official"):
        rows = _client(world, actor, client_for).get("/api/claims/").json()["results"]
        assert len(rows) == 5, actor


def test_404_outside_scope_looks_like_absent(world, client_for):
    b = _client(world, "agency_b", client_for)
    hidden = b.get(f"/api/claims/{world['claim_a'].pk}/")
    absent = b.get("/api/claims/999999/")
    assert hidden.status_code == absent.status_code == 404
    assert hidden.json() == absent.json()


def test_agency_b_never_sees_agency_a_attachment_files(world, client_for):
    b = _client(world, "agency_b", client_for)
    url = world["attachment_a"].document.get_absolute_url()
    assert b.get(url).status_code == 404
    assert _client(world, "agency_a", client_for).get(url).status_code == 200


def test_available_actions_follow_the_role(world, client_for):
    def actions(actor: str, key: str) -> list[str]:
        body = _client(world, actor, client_for).get(f"/api/claims/{world[key].pk}/").json()
        return [a["action"] for a in body["available_actions"]]

    assert actions("agency_a", "claim_a") == ["submit", "withdraw"]
    assert actions("reviewer", "claim_a") == []
    assert actions("reviewer", "submitted_a") == ["first_pass", "return", "reject"]
    assert actions("approver", "submitted_a") == []
    assert actions("approver", "passed_a") == ["approve", "return", "reject"]
    assert actions("reviewer", "approved_a") == ["pay", "revoke"]
    assert actions("official", "submitted_a") == []
    assert actions("official", "approved_a") == []
    assert actions("agency_a", "approved_a") == []


# --- writes -----------------------------------------------------------------------------

NEW_CLAIM = {"claim_type": "{loan.pk}", "period": "2026Q1", "declared": LOAN}

# fmt: off
WRITES = [
    # method, url, data,                                                        anonymous agency_a agency_b reviewer approver official
    ("patch", "/api/claims/{claim_a.pk}/", {"declared": {"interest_paid": "1"}},  403,      200,     404,     403,     403,     403),
    ("post",  "/api/claims/{claim_a.pk}/transition/", {"action": "submit"},       403,      200,     404,     403,     403,     403),
    ("post",  "/api/claims/{claim_a.pk}/transition/", {"action": "withdraw"},     403,      200,     404,     403,     403,     403),
    ("post",  "/api/claims/{submitted_a.pk}/transition/", {"action": "first_pass"}, 403,    403,     404,     200,     403,     403),
    ("post",  "/api/claims/{submitted_a.pk}/transition/", {"action": "return", "reason": "补正"}, 403, 403, 404, 200, 403,     403),
    ("post",  "/api/claims/{passed_a.pk}/transition/", {"action": "approve"},     403,      403,     404,     403,     200,     403),
    ("post",  "/api/claims/{approved_a.pk}/transition/", {"action": "revoke", "reason": "抽查不实"}, 403, 403, 404, 200, 200, 403),
    ("delete", "/api/claims/{claim_a.pk}/attachments/{attachment_a.pk}/", None,   403,      204,     404,     403,     403,     403),
    ("put",   "/api/claims/{claim_a.pk}/", NEW_CLAIM,                             403,      405,     405,     405,     405,     403),
    ("delete", "/api/claims/{claim_a.pk}/", None,                                 403,      405,     405,     405,     405,     403),
    ("post",  "/api/claim-types/", {"code": "x"},                                 403,      405,     405,     405,     405,     403),
    ("patch", "/api/claim-types/{loan.pk}/", {"name": "篡改"},                    403,      405,     405,     405,     405,     403),
    ("post",  "/api/notices/", {},                                                403,      405,     405,     405,     405,     403),
    ("post",  "/api/funds/", {"year": 2026, "amount": "1"},                       403,      403,     403,     405,     405,     405),
    ("patch", "/api/funds/{fund.pk}/", {"amount": "1"},                           403,      403,     403,     405,     405,     405),
]
# fmt: on


def _send(client, method: str, url: str, data):
    if data is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, json.dumps(data), content_type="application/json")


def _fill_data(data, world):
    if isinstance(data, dict):
        return {k: _fill_data(v, world) for k, v in data.items()}
    if isinstance(data, str) and data.startswith("{"):
        return int(_fill(data, world))
    return data


@pytest.mark.parametrize("row", WRITES, ids=[f"{r[0]} {r[1]} {r[2]}" for r in WRITES])
def test_write_matrix(row, world, client_for):
    method, url, data, *expected = row
    url = _fill(url, world)
    data = _fill_data(data, world)
    outcomes = list(zip(ACTORS, expected, strict=True))
    for actor, status in outcomes:
        if status >= 400:
            before = _fingerprint()
            response = _send(_client(world, actor, client_for), method, url, data)
            assert response.status_code == status, (
                f"{actor} {method.upper()} {url}: {response.status_code} {response.content[:300]!r}"
            )
            assert _fingerprint() == before, f"{actor} {method.upper()} {url} changed data"
    for actor, status in outcomes:
        if status < 400:
            # Each actor who may is tried on the same state, then undone.
            with transaction.atomic():
                before = _fingerprint()
                response = _send(_client(world, actor, client_for), method, url, data)
                assert response.status_code == status, (
                    f"{actor} {method.upper()} {url}: {response.status_code} "
                    f"{response.content[:300]!r}"
                )
                assert _fingerprint() != before, f"{actor} {method.upper()} {url} changed nothing"
                transaction.set_rollback(True)


def test_only_agency_users_create_claims(world, client_for):
    data = {"claim_type": world["loan"].pk, "period": "2026Q2", "declared": LOAN}
    for actor in ("anonymous", "reviewer", "approver", "official"):
        before = Claim.objects.count()
        response = _send(_client(world, actor, client_for), "post", "/api/claims/", data)
        assert response.status_code == 403, actor
        assert Claim.objects.count() == before
    response = _send(_client(world, "agency_b", client_for), "post", "/api/claims/", data)
    assert response.status_code == 201
    assert response.json()["agency"] == world["claim_b"].agency_id


def test_attachments_only_by_the_agency_itself(world, client_for):
    url = f"/api/claims/{world['claim_a'].pk}/attachments/"
    expected = {
        "anonymous": 403,
        "agency_b": 404,
        "reviewer": 403,
        "approver": 403,
        "official": 403,
        "agency_a": 201,
    }
    for actor, status in expected.items():
        before = ClaimAttachment.objects.count()
        response = _client(world, actor, client_for).post(url, {"code": "other", "file": pdf()})
        assert response.status_code == status, actor
        assert ClaimAttachment.objects.count() == before + (1 if status == 201 else 0)


def test_reviewer_editing_a_claim_is_told_why(world, client_for):
    response = _send(
        _client(world, "reviewer", client_for),
        "patch",
        f"/api/claims/{world['claim_a'].pk}/",
        {"declared": {"interest_paid": "1"}},
    )
    assert response.status_code == 403
    with translation.override(settings.LANGUAGE_CODE):
        expected = permissions.can_edit_claim(world["users"]["reviewer"], world["claim_a"])[1]
    assert response.json()["detail"] == expected


def test_official_is_read_only_even_for_decisions(world, client_for):
    response = _send(
        _client(world, "official", client_for),
        "post",
        f"/api/claims/{world['passed_a'].pk}/transition/",
        {"action": "approve"},
    )
    assert response.status_code == 403
    with translation.override(settings.LANGUAGE_CODE):
        expected = str(OfficialsReadOnly.message)
    assert response.json()["detail"] == expected
