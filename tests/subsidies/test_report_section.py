"""The annual report's subsidies section (补贴与资金执行): every figure equals a sum over the
records on seeded random data, tables add up, the year before is paired, the queries do not
grow with the data, and every figure's link opens the list of its records."""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from agencies.models import Street
from kunqu_jiafu.people import crypto
from kunqu_jiafu.reporting.registry import MONEY, PERCENT, section_for_year, sections
from subsidies import report
from subsidies.models import Claim, ClaimType, ExemptionServiceKind, FeeExemption, SpecialFund
from tests import factories

pytestmark = pytest.mark.django_db

YEAR = 2026
ZERO = Decimal("0.00")
STATUSES = [value for value in Claim.Status.values]


def _previous_year_type() -> ClaimType:
    """A claim type of the year before (the seeded catalogue is 2026's)."""
    return ClaimType.objects.create(
        code="loan_interest",
        name="创业担保贷款贴息",
        group=ClaimType.Group.INTEREST,
        policy_year=YEAR - 1,
        calculator="interest",
        eligibility="registered",
    )


def _claim(rng: random.Random, agency, claim_type, number: int, general, status=None) -> Claim:
    status = status or rng.choice(STATUSES)
    eligible = Decimal(rng.randint(100, 90000)) + Decimal(rng.randint(0, 99)) / 100
    approved = None
    if status in ("approved", "paid", "revoked") or rng.random() < 0.2:
        approved = (eligible * Decimal(rng.randint(50, 100)) / 100).quantize(Decimal("0.01"))
    paid = status == "paid" or (status == "revoked" and rng.random() < 0.5)
    recovery = None
    if status == "revoked" and paid:
        recovery = approved
    elif status == "paid" and rng.random() < 0.3:
        recovery = (approved / 3).quantize(Decimal("0.01"))
    return Claim.objects.create(
        agency=agency,
        claim_type=claim_type,
        period=f"R{number}",
        status=status,
        eligible_amount=eligible,
        approved_amount=approved,
        fund=general if approved is not None and claim_type.policy_year == YEAR else None,
        paid_on=dt.date(claim_type.policy_year, 6, 1) if paid else None,
        bank_reference=f"BOC-{number}" if paid else "",
        recovery_amount=recovery,
    )


def _exemption(rng: random.Random, claim: Claim, worker, number: int) -> FeeExemption:
    head = factories.id_number()
    return FeeExemption.objects.create(
        claim=claim,
        head_id_encrypted=crypto.encrypt(head),
        head_id_hash=crypto.blind_index(head),
        address_encrypted=crypto.encrypt(f"昆区钢铁大街{number}号"),
        street=Street.objects.order_by("code").first(),
        service_date=dt.date(rng.choice([YEAR - 1, YEAR, YEAR]), rng.randint(1, 12), 5),
        service_kind=ExemptionServiceKind.objects.order_by("pk").first(),
        worker=worker,
        live=rng.random() < 0.8,
    )


def seed_world(seed: int, size: int) -> None:
    rng = random.Random(seed)
    agencies = [factories.make_agency(f"随机家政{seed}-{i}有限公司") for i in range(3)]
    worker = factories.make_worker(agencies[0])
    types = list(ClaimType.objects.filter(policy_year=YEAR).order_by("pk"))
    old = ClaimType.objects.filter(policy_year=YEAR - 1).first() or _previous_year_type()
    general = SpecialFund.objects.filter(year=YEAR, claim_type=None).first()
    if general is None:
        general = SpecialFund.objects.create(
            year=YEAR, amount=Decimal("5000000.00"), committed=Decimal(rng.randint(0, 4000000))
        )
        SpecialFund.objects.create(
            year=YEAR, claim_type=types[0], amount=Decimal("300000.00"), committed=Decimal("1000")
        )
        SpecialFund.objects.create(year=YEAR - 1, amount=Decimal("800000.00"))
    exemption_type = next(t for t in types if t.group == ClaimType.Group.EXEMPTION)
    start = Claim.objects.count()
    for i in range(size):
        claim_type = old if rng.random() < 0.15 else rng.choice(types)
        _claim(rng, rng.choice(agencies), claim_type, start + i, general)
    for i in range(max(2, size // 4)):
        claim = _claim(rng, agencies[0], exemption_type, start + size + i, general)
        for j in range(rng.randint(1, 3)):
            _exemption(rng, claim, worker, i * 10 + j)


def _figures(year: int = YEAR) -> dict:
    return {f.key: f for f in report.compute(year).figures}


def _total(claims, field: str) -> Decimal:
    return sum((getattr(c, field) or ZERO for c in claims), ZERO)


@pytest.mark.parametrize("seed", [1, 7, 2026])
def test_every_figure_equals_a_sum_over_the_claims(seed):
    seed_world(seed, 60)
    figures = _figures()
    claims = list(Claim.objects.filter(claim_type__policy_year=YEAR))
    submitted = [c for c in claims if c.status != "draft"]
    granted = [c for c in claims if c.status in ("approved", "paid")]
    paid = [c for c in claims if c.status == "paid"]
    assert figures["subsidies.claims"].value == len(submitted)
    assert figures["subsidies.claimed_amount"].value == _total(submitted, "eligible_amount")
    assert figures["subsidies.approved"].value == len(granted)
    assert figures["subsidies.approved_amount"].value == _total(granted, "approved_amount")
    assert figures["subsidies.paid"].value == len(paid)
    assert figures["subsidies.paid_amount"].value == _total(paid, "approved_amount")
    assert figures["subsidies.revoked"].value == sum(c.status == "revoked" for c in claims)
    assert figures["subsidies.recovery_amount"].value == _total(claims, "recovery_amount")
    exemption_claims = [c for c in granted if c.claim_type.group == "exemption"]
    assert figures["subsidies.exemption_amount"].value == _total(
        exemption_claims, "approved_amount"
    )
    counted = [
        e
        for e in FeeExemption.objects.select_related("claim")
        if e.live and e.service_date.year == YEAR and e.claim.status in ("approved", "paid")
    ]
    assert figures["subsidies.exemptions"].value == len(counted)
    general = SpecialFund.objects.get(year=YEAR, claim_type=None)
    assert figures["subsidies.fund_amount"].value == general.amount
    assert figures["subsidies.fund_committed"].value == general.committed
    rate = (_total(paid, "approved_amount") * 100 / general.amount).quantize(
        Decimal("0.1"), ROUND_HALF_UP
    )
    assert figures["subsidies.fund_execution"].value == rate


def test_figures_carry_units_kinds_and_decimal_money():
    seed_world(3, 20)
    for figure in report.compute(YEAR).figures:
        assert figure.key.startswith("subsidies.") and figure.label and figure.definition
        assert figure.unit and figure.link.startswith("/admin/subsidies/")
        if figure.kind in (MONEY, PERCENT):
            assert isinstance(figure.value, Decimal)
        else:
            assert isinstance(figure.value, int)


def test_tables_add_up_to_the_figures():
    seed_world(11, 60)
    data = report.compute(YEAR)
    figures = {f.key: f.value for f in data.figures}
    tables = {t.key: t for t in data.tables}
    by_type = tables["subsidies.by_type"].total_row()
    assert by_type[1:] == [
        figures["subsidies.claims"],
        figures["subsidies.claimed_amount"],
        figures["subsidies.approved_amount"],
        figures["subsidies.paid_amount"],
    ]
    by_status = tables["subsidies.by_status"].total_row()
    assert by_status[1:3] == [figures["subsidies.claims"], figures["subsidies.claimed_amount"]]
    rows = {row[0]: row for row in tables["subsidies.by_status"].rows}
    assert rows[Claim.Status.PAID.label][1] == figures["subsidies.paid"]
    assert rows[Claim.Status.PAID.label][3] == figures["subsidies.paid_amount"]
    funds = tables["subsidies.funds"].rows
    assert funds[0][1] == figures["subsidies.fund_amount"]
    assert funds[0][3] == figures["subsidies.paid_amount"]
    assert funds[0][4] == figures["subsidies.fund_execution"]
    own = SpecialFund.objects.get(year=YEAR, claim_type__isnull=False)
    paid_own = _total(
        Claim.objects.filter(claim_type=own.claim_type, status="paid"), "approved_amount"
    )
    assert funds[1][0] == own.claim_type.name and funds[1][3] == paid_own
    charts = {c.key: c for c in data.charts}
    assert sum(charts["subsidies.by_type"].series[2].values) == figures["subsidies.paid_amount"]


def test_the_year_before_is_paired_by_key():
    seed_world(5, 40)
    computed = section_for_year(sections.get("subsidies"), YEAR)
    before = _figures(YEAR - 1)
    assert (
        before["subsidies.claims"].value
        == Claim.objects.filter(claim_type__policy_year=YEAR - 1).exclude(status="draft").count()
    )
    for figure in computed.data.figures:
        assert figure.previous == before[figure.key].value


def test_the_section_is_registered_with_its_order_and_chinese_title():
    section = sections.get("subsidies")
    assert section.order == 50
    with translation.override("zh-hans"):
        assert str(section.title) == "补贴与资金执行"


def _queries() -> int:
    with CaptureQueriesContext(connection) as ctx:
        report.compute(YEAR)
    return len(ctx.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_data():
    seed_world(21, 5)
    small = _queries()
    seed_world(22, 120)
    assert _queries() == small


def test_every_link_opens_the_list_of_its_records_for_staff(client_for, reviewer):
    seed_world(9, 40)
    client = client_for(reviewer)
    for figure in report.compute(YEAR).figures:
        response = client.get(figure.link)
        assert response.status_code == 200, figure.link
        if figure.kind == "integer":
            # The list behind a count holds exactly the records counted.
            assert response.context["cl"].result_count == figure.value, figure.key


def test_the_link_lists_match_their_amounts(client_for, approver):
    seed_world(13, 40)
    client = client_for(approver)
    figures = _figures()
    for key in ("subsidies.approved_amount", "subsidies.paid_amount", "subsidies.recovery_amount"):
        response = client.get(figures[key].link)
        listed = response.context["cl"].queryset
        field = "recovery_amount" if key == "subsidies.recovery_amount" else "approved_amount"
        assert _total(listed, field) == figures[key].value, key


def test_an_empty_year_gives_zeros_not_errors():
    figures = _figures(YEAR + 5)
    assert figures["subsidies.claims"].value == 0
    assert figures["subsidies.paid_amount"].value == ZERO
    assert figures["subsidies.fund_execution"].value == Decimal("0.0")
