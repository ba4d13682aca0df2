"""The annual report's inspections section (检查、抽查与走访): every figure equals a count or sum
over the records on seeded random data, tables add up, the year before is paired, the queries
do not grow with the data, and every figure's link opens the list of its records for staff."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from agencies.models import Agency
from inspections import report
from inspections.models import (
    EvaluationScheme,
    FieldVisit,
    Inspection,
    InspectionRound,
    PerformanceEvaluation,
    Rectification,
    SpotCheck,
    SpotCheckItem,
)
from kunqu_jiafu.accounts.roles import APPROVER
from kunqu_jiafu.reporting.registry import MONEY, section_for_year, sections
from tests import factories
from tests.inspections.factories import bureau_user, make_round, template
from tests.inspections.spot_builders import approved_claims

pytestmark = pytest.mark.django_db

YEAR = 2026
RESULTS = ["passed", "basically_passed", "failed", "pending"]
RATINGS = ["excellent", "good", "qualified", "unqualified"]


def _inspect(rng, inspection: Inspection, inspectors) -> None:
    result = rng.choice(RESULTS)
    if result != "pending":
        Inspection.objects.filter(pk=inspection.pk).update(
            status="concluded",
            result=result,
            score=Decimal(rng.randint(30, 100)),
            inspected_on=dt.date(inspection.round.year, 6, 1),
            inspector_1=inspectors[0],
            inspector_2=inspectors[1],
        )
    if result == "failed" and rng.random() < 0.8:
        status = rng.choice(["open", "answered", "passed", "failed", "lapsed"])
        Rectification.objects.create(
            inspection=inspection,
            deadline=dt.date(inspection.round.year, 9, 1),
            requirements="整改统一标识",
            status=status,
            answered_at=None if status in ("open", "lapsed") else timezone.now(),
        )
        if status in ("passed", "failed"):
            Inspection.objects.create(
                round=inspection.round,
                kind="reinspection",
                parent=inspection,
                agency=inspection.agency,
                subject_kind="agency",
                template=inspection.template,
                result="passed" if status == "passed" else "failed",
            )


def _round(rng, year: int, agencies, inspectors, user) -> None:
    round = InspectionRound.objects.filter(year=year).first() or make_round(user, year=year)
    taken = set(round.inspections.values_list("agency_id", flat=True))
    for agency in agencies:
        if agency.pk in taken or rng.random() < 0.15:
            continue  # left out of the round: not inspected
        inspection = Inspection.objects.create(
            round=round, agency=agency, subject_kind="agency", template=template("agency")
        )
        inspection.round = round
        _inspect(rng, inspection, inspectors)


def _evaluations(rng, year: int, agencies, user) -> None:
    scheme, _new = EvaluationScheme.objects.get_or_create(year=year)
    for agency in agencies:
        if scheme.evaluations.filter(agency=agency).exists():
            continue
        concluded = rng.random() < 0.8
        PerformanceEvaluation.objects.create(
            scheme=scheme,
            agency=agency,
            score=Decimal(rng.randint(40, 100)) if concluded else None,
            rating=rng.choice(RATINGS) if concluded else "none",
            concluded_at=timezone.now() if concluded else None,
            evaluated_by=user,
        )


def _spot_check(rng, year: int, agency, user, size: int) -> None:
    claims = approved_claims(agency, size)
    check = SpotCheck.objects.create(
        title=f"{year}年抽查",
        population="claims",
        claim_type_codes=["loan_interest"],
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
        sample_size=size,
        seed=rng.randint(1, 10**9),
        created_by=user,
    )
    moment = timezone.make_aware(dt.datetime(year, 7, 1, 10, 0))
    SpotCheck.objects.filter(pk=check.pk).update(created_at=moment)
    for position, claim in enumerate(claims, start=1):
        outcome = rng.choice(["pending", "true", "false"])
        SpotCheckItem.objects.create(
            spot_check=check,
            position=position,
            claim=claim,
            agency=agency,
            outcome=outcome,
            method="" if outcome == "pending" else "call",
            evidence="" if outcome == "pending" else "电话核实",
            checked_at=None if outcome == "pending" else timezone.now(),
            recovery_amount=Decimal(rng.randint(1, 500)) if outcome == "false" else None,
        )


def seed_world(seed: int, size: int) -> None:
    rng = random.Random(seed)
    user = bureau_user(f"planner{seed}", APPROVER)
    inspectors = [bureau_user(f"i{seed}a"), bureau_user(f"i{seed}b")]
    agencies = [
        factories.make_agency(
            f"检查随机{seed}-{i}有限公司",
            status=rng.choice(["registered"] * 4 + ["suspended"]),
            registered_on=dt.date(rng.choice([2024, 2025, 2026, 2027]), 3, 1),
        )
        for i in range(size)
    ]
    for year in (YEAR - 1, YEAR):
        _round(rng, year, agencies, inspectors, user)
        _evaluations(rng, year, agencies, user)
        _spot_check(rng, year, agencies[0], user, max(2, size // 2))
        for _i in range(rng.randint(1, size)):
            visit = FieldVisit.objects.create(
                agency=rng.choice(agencies),
                visited_on=dt.date(year, rng.randint(1, 12), 10),
                purpose="调研",
                created_by=user,
            )
            visit.staff.add(user)


def _figures(year: int = YEAR) -> dict:
    return {f.key: f.value for f in report.compute(year).figures}


@pytest.mark.parametrize("seed", [1, 8, 2026])
def test_every_figure_equals_a_count_over_the_records(seed):
    seed_world(seed, 12)
    f = _figures()
    inspections = list(Inspection.objects.filter(round__year=YEAR))
    annual = [i for i in inspections if i.kind == "annual"]
    done = [i for i in annual if i.status == "concluded"]
    assert f["inspections.planned"] == len(annual)
    assert f["inspections.concluded"] == len(done)
    for result in ("passed", "basically_passed", "failed"):
        assert f[f"inspections.{result}"] == sum(i.result == result for i in done)
    assert f["inspections.reinspections"] == sum(i.kind == "reinspection" for i in inspections)
    inspected = {i.agency_id for i in done if i.subject_kind == "agency"}
    registered = [
        a
        for a in Agency.objects.filter(status="registered")
        if a.registered_on <= dt.date(YEAR, 12, 31)
    ]
    assert f["inspections.uninspected"] == sum(a.pk not in inspected for a in registered)
    rects = list(Rectification.objects.filter(inspection__round__year=YEAR))
    assert f["inspections.rectifications"] == len(rects)
    assert f["inspections.rectifications_closed"] == sum(
        r.status in ("passed", "failed") for r in rects
    )
    assert f["inspections.rectifications_lapsed"] == sum(r.status == "lapsed" for r in rects)
    assert f["inspections.revocations"] == sum(r.status in ("failed", "lapsed") for r in rects)
    evaluations = [e for e in PerformanceEvaluation.objects.filter(scheme__year=YEAR)]
    concluded = [e for e in evaluations if e.concluded_at is not None]
    assert f["inspections.evaluated"] == len(concluded)
    assert f["inspections.excellent"] == sum(e.rating == "excellent" for e in concluded)
    items = list(SpotCheckItem.objects.filter(spot_check__title=f"{YEAR}年抽查"))
    assert f["inspections.spot_checked"] == sum(i.outcome != "pending" for i in items)
    assert f["inspections.spot_false"] == sum(i.outcome == "false" for i in items)
    assert f["inspections.spot_recovery"] == sum(
        (i.recovery_amount for i in items if i.outcome == "false"), Decimal("0")
    )
    assert f["inspections.visits"] == FieldVisit.objects.filter(visited_on__year=YEAR).count()


def test_tables_add_up_to_the_figures():
    seed_world(5, 14)
    data = report.compute(YEAR)
    f = {figure.key: figure.value for figure in data.figures}
    tables = {t.key: t for t in data.tables}
    total = tables["inspections.by_subject"].total_row()
    assert total[1:] == [
        f["inspections.planned"],
        f["inspections.concluded"],
        f["inspections.passed"],
        f["inspections.basically_passed"],
        f["inspections.failed"],
    ]
    assert tables["inspections.ratings"].total_row()[1] == f["inspections.evaluated"]
    spot = tables["inspections.spot_checks"].total_row()
    assert spot[2:] == [
        f["inspections.spot_checked"],
        f["inspections.spot_false"],
        f["inspections.spot_recovery"],
    ]
    results = {c.key: c for c in data.charts}["inspections.results"]
    assert sum(results.series[0].values) == f["inspections.concluded"]


def test_the_year_before_is_paired_by_key():
    seed_world(3, 10)
    computed = section_for_year(sections.get("inspections"), YEAR)
    before = _figures(YEAR - 1)
    assert (
        before["inspections.planned"]
        == Inspection.objects.filter(round__year=YEAR - 1, kind="annual").count()
    )
    for figure in computed.data.figures:
        assert figure.previous == before[figure.key]


def test_every_agency_inspected_each_year_is_a_target_of_zero():
    seed_world(4, 6)
    figure = {x.key: x for x in report.compute(YEAR).figures}["inspections.uninspected"]
    assert (figure.target_min, figure.target_max) == (0, 0)


def test_the_section_is_registered_with_its_order_and_chinese_title():
    section = sections.get("inspections")
    assert section.order == 60
    with translation.override("zh-hans"):
        assert str(section.title) == "检查、抽查与走访"


def test_figures_carry_units_definitions_and_decimal_money():
    seed_world(6, 6)
    for figure in report.compute(YEAR).figures:
        assert figure.key.startswith("inspections.") and figure.label and figure.definition
        assert figure.unit and figure.link.startswith("/admin/inspections/")
        assert isinstance(figure.value, Decimal if figure.kind == MONEY else int)


def _queries() -> int:
    with CaptureQueriesContext(connection) as ctx:
        report.compute(YEAR)
    return len(ctx.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_data():
    seed_world(21, 3)
    small = _queries()
    seed_world(22, 30)
    assert _queries() == small


def test_every_link_opens_the_list_of_its_records_for_staff(client_for, reviewer):
    seed_world(9, 12)
    client = client_for(reviewer)
    for figure in report.compute(YEAR).figures:
        response = client.get(figure.link)
        assert response.status_code == 200, figure.link
        if figure.key != "inspections.uninspected" and figure.kind != MONEY:
            # The list behind a count holds exactly the records counted.
            assert response.context["cl"].result_count == figure.value, figure.key
