"""Every subsidies API list runs the same number of queries at 10 and at 1,000 rows."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.models import Agency, AgencyStanding, Recognition, Street
from kunqu_jiafu.documents.models import Document
from subsidies.models import (
    Claim,
    ClaimAttachment,
    ClaimSubject,
    ClaimType,
    Notice,
    SpecialFund,
)
from tests import factories

_seq = itertools.count(1)
_fund_years = itertools.count(3000)  # a general fund per year: one year each


def _agencies(count: int) -> list[Agency]:
    street = Street.objects.order_by("code").first()
    start = Agency.objects.count()
    return Agency.objects.bulk_create(
        Agency(
            name=f"申领机构{start + i}",
            uscc=factories.credit_code(200000 + start + i),
            legal_representative="张三",
            contact_name="李四",
            phone="13800000000",
            address="昆都仑区",
            street=street,
            founded_on=dt.date(2019, 1, 1),
            employee_count=5,
            status=Agency.Status.REGISTERED,
            registered_on=dt.date(2025, 1, 1),
        )
        for i in range(count)
    )


def _documents(count: int) -> list[Document]:
    now = timezone.now()
    return Document.objects.bulk_create(
        Document(
            file=f"private/bulk/{next(_seq)}.pdf",
            original_name="材料.pdf",
            content_type="application/pdf",
            extension=".pdf",
            size=100,
            sha256="0" * 64,
            created_at=now,
        )
        for _ in range(count)
    )


def _claims(agencies: list[Agency], count: int, reviewer, approver) -> None:
    """Decided claims (not live, so many per agency, type and period), each with an
    attachment, a subject and a notice, half of them rendered."""
    types = list(ClaimType.objects.filter(policy_year=2026, code__in=_SEEDED))
    now = timezone.now()
    claims = Claim.objects.bulk_create(
        Claim(
            agency=agencies[i % len(agencies)],
            claim_type=types[i % len(types)],
            period="2026",
            status=Claim.Status.REJECTED if i % 2 else Claim.Status.WITHDRAWN,
            declared={"loan_amount": "1000", "interest_paid": "10"},
            eligible_amount=Decimal("10.00"),
            trace=["实际支付利息 10.00 元 × 贴息比例 100% = 10.00 元"],
            eligibility_notes=[],
            submitted_at=now,
            first_reviewed_by=reviewer,
            first_reviewed_at=now,
            decided_by=approver,
            decided_at=now,
            last_reason="材料不全",
        )
        for i in range(count)
    )
    documents = _documents(count * 2)
    ClaimAttachment.objects.bulk_create(
        ClaimAttachment(claim=claim, code="other", document=documents[i])
        for i, claim in enumerate(claims)
    )
    ClaimSubject.objects.bulk_create(
        ClaimSubject(
            claim=claim,
            claim_type=claim.claim_type,
            kind=ClaimSubject.Kind.ORDER,
            agency=claim.agency,
            order_number=f"bulk{next(_seq)}",
            label="订单",
            live=False,
        )
        for claim in claims
    )
    Notice.objects.bulk_create(
        Notice(
            claim=claim,
            kind=Notice.Kind.REJECTION,
            year=2026,
            sequence=(n := next(_seq)),
            number=f"昆人社家补不〔2026〕{n:05d}号",
            reason="材料不全",
            issued_on=dt.date(2026, 6, 1),
            document=documents[count + i] if i % 2 else None,
        )
        for i, claim in enumerate(claims)
    )


_SEEDED = [
    "loan_interest",
    "station_award",
    "market_award",
    "excellence_award",
    "brand_award",
    "training_subsidy",
    "certification_subsidy",
    "social_insurance",
    "ui_refund",
    "accident_insurance",
    "health_check",
    "fee_exemption",
]


def _claim_types(count: int) -> None:
    """More catalogue rows over many policy years: eligibility stays a fixed set of queries."""
    ClaimType.objects.bulk_create(
        ClaimType(
            code=f"bulk_{(n := next(_seq))}",
            name=f"批量类型{n}",
            group=ClaimType.Group.SEVEN,
            policy_year=2000 + n % 25,
            calculator="capped_award",
            parameters={"cap": "100000.00"},
            eligibility=["registered", "rated_excellent", "recognised_station_passed"][n % 3],
            required_attachments=[["doc", "文件"]],
        )
        for _ in range(count)
    )


def _funds(count: int) -> None:
    SpecialFund.objects.bulk_create(
        SpecialFund(
            year=next(_fund_years), amount=Decimal("100000.00"), committed=Decimal("100.00")
        )
        for _ in range(count)
    )
    types = list(ClaimType.objects.filter(policy_year=2026))
    SpecialFund.objects.bulk_create(
        SpecialFund(year=2026, claim_type=t, amount=Decimal("1000.00"), committed=Decimal("0.00"))
        for t in types
        if not SpecialFund.objects.filter(year=2026, claim_type=t).exists()
    )


def _agency_facts(agency: Agency) -> None:
    """Standing and recognitions over the years, so eligibility has something to read."""
    AgencyStanding.objects.bulk_create(
        AgencyStanding(agency=agency, year=year, inspection="passed", rating="excellent")
        for year in range(2000, 2027)
        if not AgencyStanding.objects.filter(agency=agency, year=year).exists()
    )
    Recognition.objects.get_or_create(
        agency=agency,
        kind_id=Recognition.Kind.STATION,
        year=1999,
        defaults={"granted_on": dt.date(1999, 1, 1)},
    )


STAFF_URLS = [
    "/api/claim-types/",
    "/api/claims/",
    "/api/claims/?status=rejected&year=2026&ordering=-eligible_amount",
    "/api/claims/?search=申领机构",
    "/api/notices/",
    "/api/funds/",
]
AGENCY_URLS = [
    "/api/claim-types/",
    "/api/claim-types/?year=2026",
    "/api/claims/",
    "/api/claims/?status=withdrawn",
    "/api/notices/",
]


def _counts(client, urls: list[str]) -> dict[str, tuple[int, int]]:
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        counts[url] = (len(ctx), len(response.json()["results"]))
    return counts


def _queries(counts: dict[str, tuple[int, int]]) -> dict[str, int]:
    return {url: queries for url, (queries, _rows) in counts.items()}


@pytest.mark.parametrize("actor", ["reviewer", "official"])
def test_staff_subsidy_lists_use_constant_queries(actor, request, client_for, approver, db):
    user = request.getfixturevalue(actor)
    reviewer = request.getfixturevalue("reviewer")
    client = client_for(user)

    def build(rows: int) -> None:
        agencies = _agencies(max(1, rows // 10))
        _claims(agencies, rows, reviewer, approver)
        _claim_types(rows)
        _funds(rows)

    build(10)
    small = _counts(client, STAFF_URLS)
    build(990)
    large = _counts(client, STAFF_URLS)
    assert _queries(small) == _queries(large)
    for url in STAFF_URLS:
        assert large[url][1] == 50, url  # the large run really served full pages


def test_agency_subsidy_lists_use_constant_queries(agency_a, org_a, reviewer, approver, client_for):
    client = client_for(agency_a)
    _agency_facts(org_a)
    other = _agencies(1)
    _claims([org_a], 10, reviewer, approver)
    _claims(other, 10, reviewer, approver)
    _claim_types(10)
    small = _counts(client, AGENCY_URLS)
    _claims([org_a], 990, reviewer, approver)
    _claims(other, 990, reviewer, approver)
    _claim_types(990)
    large = _counts(client, AGENCY_URLS)
    assert _queries(small) == _queries(large)
    assert large["/api/claims/"][1] == 50
    assert large["/api/claim-types/"][1] == 50
    assert large["/api/claim-types/?year=2026"][1] == 13
    # Only its own rows: 1,000 claims of A, not 2,000.
    assert client.get("/api/claims/").json()["count"] == 1000


def test_agency_claim_types_page_spans_many_years_with_eligibility(agency_a, org_a, client_for):
    _agency_facts(org_a)
    _claim_types(100)
    rows = client_for(agency_a).get("/api/claim-types/?ordering=code").json()["results"]
    years = {row["policy_year"] for row in rows}
    assert len(years) > 5
    assert all(isinstance(row["eligible"], bool) for row in rows)
    # Standing and an old station recognition (still valid) make every bulk type eligible.
    assert all(row["eligible"] for row in rows if row["code"].startswith("bulk_"))
