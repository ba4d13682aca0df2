"""Demo subsidy data for ``manage.py load_demo``, after the agencies' demo (idempotent).

The 2026 special fund, agency A as a filed employee-system enterprise and recognised
station that passed its 2026 inspection, and a few of its claims in different statuses:
a draft, a submitted one, an approved one with its notice and a paid one. Everything goes
through the services, as bureau staff and the agency would do it in the browser.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext

from agencies import selectors as agency_selectors
from agencies import services as agency_services
from agencies.models import Agency
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.people.services import person_set_target_groups

from . import services
from .models import Claim, ClaimType, SpecialFund

YEAR = 2026
FUND = Decimal("2000000.00")

# A one-page PDF with a line of text: what an agency's scanned proof stands in for. Built with
# its cross-reference table: uploads must be well-formed PDFs (documents.sniff.pdf_problem).
_PDF_OBJECTS = [
    b"<</Type/Catalog/Pages 2 0 R>>",
    b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
    b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
    b"/Resources<</Font<</F1 5 0 R>>>>>>",
    b"<</Length 46>>stream\nBT /F1 18 Tf 72 760 Td (Demo attachment) Tj ET\nendstream",
    b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
]


def _well_formed_pdf(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


_PDF = _well_formed_pdf(_PDF_OBJECTS)

# (claim type, period, declared figures, subjects, the status to take it to)
CLAIMS = [
    (
        "loan_interest",
        "2026Q1",
        {
            "lender": "中国银行包头昆都仑支行",
            "contract_number": "BT-CDB-2025-0612",
            "loan_amount": "300000.00",
            "annual_rate": "4.35",
            "loan_start": "2025-06-12",
            "loan_end": "2027-06-11",
            # 300,000 × 4.35% × 90 days ÷ 365 = 3,217.81 is the most the quarter can cost.
            "interest_paid": "3205.48",
        },
        None,
        Claim.Status.PAID,
    ),
    (
        "station_award",
        "2026",
        {"requested_amount": "80000.00", "basis": "昆都仑区社区家庭服务站认定（2026年）"},
        None,
        Claim.Status.APPROVED,
    ),
    ("accident_insurance", "2026", {"base_amount": "3600.00"}, None, Claim.Status.SUBMITTED),
    (
        "fee_exemption",
        "2026-10",
        {"count": "3"},
        "exemptions",  # three household services, made by _exemption_lines
        Claim.Status.DRAFT,
    ),
]
_STEPS = [
    Claim.Status.SUBMITTED,
    Claim.Status.FIRST_PASSED,
    Claim.Status.APPROVED,
    Claim.Status.PAID,
]


# Household heads of the demo exemptions (checksum-valid numbers of no real person) and the
# covered services they received in October 2026.
_HOUSEHOLDS = [
    ("15020319520314002", "昆区钢铁大街58号院3栋2单元501", "少先路街道", "2026-10-08", "家庭保洁"),
    (
        "15020319480921003",
        "昆区阿尔丁大街16号1栋102",
        "阿尔丁大街街道",
        "2026-10-12",
        "居家养老照料",
    ),
    ("15020319600505004", "昆区友谊大街23号6栋3单元402", "友谊大街街道", "2026-10-20", "家电清洗"),
]


def _exemption_lines(agency: Agency) -> list[str]:
    """The demo exemptions, served by a worker of the agency green on every service date."""
    import datetime as dt

    from stdnum.cn import ric

    days = [dt.date.fromisoformat(row[3]) for row in _HOUSEHOLDS]
    worker = next(
        (
            w
            for w in agency_selectors.active_workers(agency).select_related("person", "agency")
            if all(agency_selectors.worker_status(w, today=d).colour == "green" for d in days)
        ),
        None,
    )
    if worker is None:
        return []
    return [
        "\t".join([body + ric.calc_check_digit(body + "0"), address, street, day, kind])
        + "\t"
        + worker.person.id_number
        for body, address, street, day, kind in _HOUSEHOLDS
    ]


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def _ensure_filed(agency: Agency, agency_user: User, reviewer: User) -> None:
    if agency_selectors.agency_is_filed(agency):
        return
    filing = agency_selectors.filing_awaiting_decision(agency) or agency_services.filing_submit(
        actor=agency_user,
        agency=agency,
        declarations={
            "signs_customer_contracts": True,
            "dispatches_workers": True,
            "pays_wages_directly": True,
            "trains_continuously": True,
        },
    )
    agency_services.filing_decide(actor=reviewer, filing=filing, action="approve")


def _take_to(claim: Claim, status: str, *, agency_user, reviewer, approver) -> Claim:
    if status == Claim.Status.DRAFT:
        return claim
    for code, _label in claim.claim_type.required_attachments:
        upload = ContentFile(_PDF, name=f"{code}.pdf")
        services.claim_attach(actor=agency_user, claim=claim, code=code, upload=upload)
    today = timezone.localdate()
    steps = {
        Claim.Status.SUBMITTED: (agency_user, services.claim_submit, {}),
        Claim.Status.FIRST_PASSED: (
            reviewer,
            services.claim_first_pass,
            {"reason": "材料齐全，数字核对无误"},
        ),
        Claim.Status.APPROVED: (approver, services.claim_approve, {}),
        Claim.Status.PAID: (
            reviewer,
            services.claim_pay,
            {"paid_on": today, "bank_reference": f"KQCZ-{today:%Y%m%d}-0001"},
        ),
    }
    for step in _STEPS[: _STEPS.index(status) + 1]:
        actor, verb, kwargs = steps[step]
        claim = verb(actor=actor, claim=claim, **kwargs)
    return claim


def _social_insurance_draft(agency: Agency, agency_user: User, reviewer: User) -> None:
    """社会保险补贴 for 2026Q3: a worker the bureau recorded as 就业困难人员, three months of
    employer contributions (a draft, so the agency can see how the list is written)."""
    claim_type = ClaimType.objects.filter(
        code="social_insurance", policy_year=YEAR, calculator="insured_months"
    ).first()
    if (
        claim_type is None
        or Claim.objects.filter(agency=agency, claim_type=claim_type, period=f"{YEAR}Q3").exists()
    ):
        return
    worker = (
        agency_selectors.active_workers(agency)
        .filter(
            social_insurance=True,
            insured_since__lte=dt.date(YEAR, 7, 1),
            hired_on__lte=dt.date(YEAR, 7, 1),
        )
        .select_related("person")
        .order_by("id")
        .first()
    )
    if worker is None:
        return
    person = person_set_target_groups(
        actor=reviewer,
        person=worker.person,
        is_hard_to_employ=True,
        is_graduate=worker.person.is_graduate,
        graduated_on=worker.person.graduated_on,
    )
    services.claim_create(
        actor=agency_user,
        agency=agency,
        claim_type=claim_type,
        period=f"{YEAR}Q3",
        declared={},
        subjects=[f"{person.id_number} {YEAR}-{month:02d} 856.40" for month in (7, 8, 9)],
    )


def load(*, password: str, stdout) -> None:
    reviewer, approver = _user("reviewer"), _user("approver")
    agency_user = _user("agency_a")
    agency = agency_selectors.agency_of_user(agency_user) if agency_user else None
    if reviewer is None or approver is None or agency is None:
        stdout.write(gettext("Demo subsidy data: the demo accounts are missing; skipped."))
        return

    if not SpecialFund.objects.filter(year=YEAR, claim_type__isnull=True).exists():
        services.fund_set(
            actor=approver, year=YEAR, amount=FUND, note="2026年度家庭服务业专项发展资金"
        )
    _ensure_filed(agency, agency_user, reviewer)
    standing = agency_selectors.standing_for(agency, YEAR)
    if standing.pk is None or not standing.inspection_passed:
        # Until the inspections demo concludes this agency's 2026 inspection (it runs later,
        # in INSTALLED_APPS order), the standing the awards need comes through the same writers.
        agency_services.standing_record_inspection(
            actor=reviewer, agency=agency, year=YEAR, result="passed", reason="2026年度年检复核合格"
        )
        agency_services.standing_record_rating(
            actor=reviewer, agency=agency, year=YEAR, rating="good", reason="2026年度绩效考评良好"
        )

    for code, period, declared, subjects, status in CLAIMS:
        claim_type = ClaimType.objects.filter(code=code, policy_year=YEAR).first()
        if claim_type is None:
            continue
        if Claim.objects.filter(agency=agency, claim_type=claim_type, period=period).exists():
            continue
        if subjects == "exemptions":
            subjects = _exemption_lines(agency)
            if not subjects:
                continue
        claim = services.claim_create(
            actor=agency_user,
            agency=agency,
            claim_type=claim_type,
            period=period,
            declared=declared,
            subjects=subjects,
        )
        _take_to(claim, status, agency_user=agency_user, reviewer=reviewer, approver=approver)

    _social_insurance_draft(agency, agency_user, reviewer)

    fund = SpecialFund.objects.get(year=YEAR, claim_type__isnull=True)
    stdout.write(
        gettext(
            "Demo subsidy claims: %(claims)s; special fund %(year)s: %(amount)s yuan, "
            "%(committed)s yuan approved."
        )
        % {
            "claims": Claim.objects.filter(agency=agency).count(),
            "year": YEAR,
            "amount": f"{fund.amount:,.2f}",
            "committed": f"{fund.committed:,.2f}",
        }
    )
