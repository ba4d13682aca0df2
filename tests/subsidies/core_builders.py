"""Builders for the subsidies core tests: claims taken through the real services.

Test data is set up through the services wherever the behaviour matters; only facts owned by
other areas (a filed employee-system enterprise) are written directly."""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agencies.models import Agency, EmployeeSystemFiling
from subsidies import services
from subsidies.models import Claim, ClaimType
from tests import factories

YEAR = 2026
PDF_BYTES = factories.PDF

# A declaration the catalogue's calculator accepts, per seeded claim type.
DECLARED = {
    "loan_interest": {
        "lender": "中国银行包头昆都仑支行",
        "contract_number": "BT-2025-0601",
        "loan_amount": "300000.00",
        "annual_rate": "6.00",
        "loan_start": "2025-06-01",
        "loan_end": "2027-05-31",
        "interest_paid": "4321.09",
    },
    "station_award": {"requested_amount": "80000.00", "basis": "昆人社发〔2026〕12号认定"},
    "market_award": {"requested_amount": "80000.00", "basis": "认定文件"},
    "excellence_award": {"requested_amount": "50000.00", "basis": "2026年度考评优秀"},
    "brand_award": {"requested_amount": "60000.00", "basis": "包头市特色家政服务品牌"},
    "training_subsidy": {"count": "2", "unit_amount": "1500.00"},
    "certification_subsidy": {"count": "2", "unit_amount": "500.00"},
    # Figures come from the listed worker-months (subjects), not from declared fields.
    "social_insurance": {},
    "ui_refund": {
        "premiums_last_year": "12000.00",
        "insured_end_last_year": "40",
        "insured_end_this_year": "39",
    },
    "accident_insurance": {"base_amount": "3000.00"},
    "health_check": {"count": "2", "actual_cost": "360.00"},
    "fee_exemption": {"count": "2"},
}
PERIOD = {
    ClaimType.PeriodKind.YEAR: "2026",
    ClaimType.PeriodKind.HALF: "2026H1",
    ClaimType.PeriodKind.QUARTER: "2026Q1",
    ClaimType.PeriodKind.MONTH: "2026-03",
}


def exemption_lines(agency: Agency, n: int = 2, *, day: dt.date = dt.date(YEAR, 3, 5)) -> list[str]:
    """n valid fee-exemption lines (n households, one service each) served by a new green worker
    of the agency: head's ID number, address, street, date, service kind, worker's ID number."""
    from tests import factories

    worker = factories.make_worker(agency)
    return [
        "\t".join(
            [
                factories.id_number(),
                f"昆区钢铁大街{i + 1}号",
                "少先路街道",
                f"{day:%Y-%m-%d}",
                "家庭保洁",
                worker.person.id_number,
            ]
        )
        for i in range(n)
    ]


def seed_catalogue() -> None:
    """Transactional tests flush the database; put the seeded catalogue back."""
    importlib.import_module("subsidies.migrations.0002_catalogue_2026").seed(apps, None)


def claim_type(code: str, year: int = YEAR) -> ClaimType:
    return ClaimType.objects.get(code=code, policy_year=year)


def pdf(name: str = "proof.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def file_employee_system(agency: Agency) -> EmployeeSystemFiling:
    return EmployeeSystemFiling.objects.create(
        agency=agency,
        status=EmployeeSystemFiling.Status.FILED,
        valid_from=dt.date(2020, 1, 1),  # in force for every claim period of these tests
        valid_until=dt.date(2099, 12, 31),
        signs_customer_contracts=True,
        dispatches_workers=True,
        pays_wages_directly=True,
        trains_continuously=True,
        total_workers=12,
        qualifying_workers=12,
        meets_threshold=True,
        submitted_at=timezone.now(),
        decided_at=timezone.now(),
        filed_on=dt.date(YEAR, 2, 1),
    )


def fund(approver, amount, *, claim_type: ClaimType | None = None, year: int = YEAR):
    return services.fund_set(actor=approver, year=year, amount=amount, claim_type=claim_type)


def draft(
    user,
    agency: Agency,
    code: str = "loan_interest",
    *,
    period: str | None = None,
    declared: dict | None = None,
    subjects: list[str] | None = None,
    attach: bool = True,
) -> Claim:
    kind = claim_type(code)
    claim = services.claim_create(
        actor=user,
        agency=agency,
        claim_type=kind,
        period=period or PERIOD[kind.period_kind],
        declared=DECLARED[code] if declared is None else declared,
        subjects=subjects,
    )
    if attach:
        for attachment_code, _label in kind.required_attachments:
            services.claim_attach(actor=user, claim=claim, code=attachment_code, upload=pdf())
    return claim


def move(actor, claim: Claim, action: str, **kwargs) -> Claim:
    return services.claim_act(actor=actor, claim=claim, action=action, **kwargs)


def submitted(user, agency, code="loan_interest", **kwargs) -> Claim:
    return move(user, draft(user, agency, code, **kwargs), "submit")


def first_passed(user, agency, reviewer, code="loan_interest", **kwargs) -> Claim:
    return move(reviewer, submitted(user, agency, code, **kwargs), "first_pass")


def approved(user, agency, reviewer, approver, code="loan_interest", amount=None, **kwargs):
    claim = first_passed(user, agency, reviewer, code, **kwargs)
    return move(approver, claim, "approve", approved_amount=amount)


def paid(user, agency, reviewer, approver, code="loan_interest", **kwargs) -> Claim:
    claim = approved(user, agency, reviewer, approver, code, **kwargs)
    return move(
        reviewer, claim, "pay", paid_on=timezone.localdate(), bank_reference="BOC-2026-0001"
    )


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def set_rates(claim_type: ClaimType, parameters: dict) -> ClaimType:
    """New parameters for a claim type the one way there is: an approver proposes them and a
    second approver approves (subsidies/services/changes.py)."""
    from kunqu_jiafu.accounts.models import User
    from kunqu_jiafu.accounts.roles import APPROVER

    def approver(name: str) -> User:
        user = User.objects.filter(username=name).first()
        return user or factories.make_user(name, APPROVER)

    change = services.rates_change_propose(
        actor=approver("rates_proposer"),
        claim_type=claim_type,
        parameters=parameters,
        reason="测试调整",
    )
    services.setting_change_approve(actor=approver("rates_approver"), change=change)
    claim_type.refresh_from_db()
    return claim_type
