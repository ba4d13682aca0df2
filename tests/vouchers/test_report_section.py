"""The annual report's voucher section: every figure equals a sum over the vouchers made
(seeded random data), targets are the caps of the year's batches, tables add up, the year
before is paired, the number of queries does not depend on the data, and each figure's link
lists exactly the vouchers behind it."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.models import Street
from kunqu_jiafu.people.models import Person
from kunqu_jiafu.reporting.registry import section_for_year, sections
from tests import factories
from tests.vouchers.core_builders import batch as make_batch
from vouchers import codes, selectors
from vouchers.models import Application, Settlement, TargetGroup, Voucher
from vouchers.report import SECTION

YEAR = 2031
_serial = itertools.count(1)
STATUSES = [s.value for s in Voucher.Status]


def _people(count: int) -> list[Person]:
    people = []
    for _n in range(count):
        k = next(_serial)
        born = dt.date(1950, 1, 1) + dt.timedelta(days=k)
        person = Person(name=f"居民{k}")
        person.set_id_number(factories.id_number(birth=f"{born:%Y%m%d}", seq=2 * (k % 400) + 2))
        people.append(person)
    return Person.objects.bulk_create(people)


def _vouchers(rng: random.Random, the_batch, agency, staff, count: int) -> None:
    """``count`` households of random groups and streets, each with a voucher at a random step."""
    now = timezone.now()
    streets, groups = list(Street.objects.all()), list(TargetGroup.objects.all())
    applications = Application.objects.bulk_create(
        Application(
            batch=the_batch,
            number=f"JQ{the_batch.year}-{next(_serial):05d}",
            person=person,
            phone="13900000000",
            address="昆都仑区钢铁大街1号",
            street=rng.choice(streets),
            target_group=rng.choice(groups),
            channel=Application.Channel.COUNTER,
            entered_by=staff,
            status=Application.Status.ISSUED,
            decided_by=staff,
            decided_at=now,
        )
        for person in _people(count)
    )
    settlement = Settlement.objects.create(
        batch=the_batch,
        agency=agency,
        month=dt.date(the_batch.year, 1 + next(_serial) % 12, 1),
        number=f"昆人社家券结〔{the_batch.year}〕{next(_serial):04d}号",
        voucher_count=1,
        amount=the_batch.face_value,
        created_by=staff,
    )
    rows = []
    for application in applications:
        status = rng.choice(STATUSES)
        used = status not in ("issued", "voided")
        rows.append(
            Voucher(
                batch=the_batch,
                application=application,
                person=application.person,
                code=codes.generate(),
                face_value=the_batch.face_value,
                status=status,
                issued_at=now,
                issued_by=staff,
                valid_until=the_batch.valid_until,
                agency=agency if used else None,
                verified_at=now if status in ("verified", "rejected", "reimbursed") else None,
                settlement=settlement if status == "reimbursed" else None,
                voided_at=now if status == "voided" else None,
                revoked_at=now if status == "revoked" else None,
                recovery_amount=Decimal("0.00") if status == "revoked" else None,
            )
        )
    Voucher.objects.bulk_create(rows)


def _make(rng: random.Random, staff, *, per_batch: int) -> None:
    agency = factories.make_agency(f"券机构{next(_serial)}")
    for year, face in ((YEAR, "200.00"), (YEAR, "300.00"), (YEAR - 1, "200.00")):
        the_batch = make_batch(count=5000, face=face, year=year)
        _vouchers(rng, the_batch, agency, staff, per_batch)


STEPS = {
    "issued": lambda v: v.status != "voided",
    "redeemed": lambda v: v.status in selectors.USED_STATUSES,
    "verified": lambda v: v.status in selectors.VERIFIED_STATUSES,
    "reimbursed": lambda v: v.status == "reimbursed",
}


def _expected(year: int) -> dict:
    vouchers = list(Voucher.objects.filter(batch__year=year))
    out = {}
    for step, test in STEPS.items():
        chosen = [v for v in vouchers if test(v)]
        out[f"vouchers.{step}"] = len(chosen)
        out[f"vouchers.{step}_amount"] = sum((v.face_value for v in chosen), Decimal("0.00"))
    out["_pks"] = {step: {v.pk for v in vouchers if test(v)} for step, test in STEPS.items()}
    return out


@pytest.fixture
def data(reviewer):
    _make(random.Random(40), reviewer, per_batch=40)


def _by_key(data) -> dict:
    return {f.key: f for f in data.figures}


def test_the_section_is_registered_in_its_place():
    assert sections.get("vouchers") is SECTION
    assert SECTION.order == 40 and str(SECTION.title) == "促进就业券"


def test_every_figure_equals_a_sum_over_the_vouchers(data):
    want = _expected(YEAR)
    figures = _by_key(SECTION.compute(YEAR))
    assert set(figures) == {k for k in want if not k.startswith("_")}
    for key, value in want.items():
        if not key.startswith("_"):
            assert figures[key].value == value, key
            assert figures[key].unit and figures[key].definition and figures[key].link
    assert want["vouchers.reimbursed"] > 0
    assert isinstance(figures["vouchers.issued_amount"].value, Decimal)
    assert figures["vouchers.issued_amount"].kind == "money"


def test_the_section_reads_the_selectors_figures(data):
    progress = selectors.year_progress(YEAR)
    for figure in SECTION.compute(YEAR).figures:
        assert figure.value == progress[figure.key.removeprefix("vouchers.")]


def test_targets_are_the_caps_of_the_years_batches(data):
    figures = _by_key(SECTION.compute(YEAR))
    # Two batches of 5,000: 5,000 × 200 + 5,000 × 300 yuan.
    assert figures["vouchers.issued"].target_min == 10000
    assert figures["vouchers.issued_amount"].target_max == Decimal("2500000.00")
    assert figures["vouchers.redeemed"].target_min is None
    # A year without a batch has no target and nothing counted.
    empty = _by_key(SECTION.compute(YEAR + 5))
    assert empty["vouchers.issued"].target_min is None and empty["vouchers.issued"].value == 0


def test_tables_add_up_to_the_figures(data):
    want = _expected(YEAR)
    section = SECTION.compute(YEAR)
    vouchers = list(Voucher.objects.filter(batch__year=YEAR).select_related("application"))
    for table in section.tables:
        total = table.total_row()
        assert total[0] == "合计"
        assert total[2] == want["vouchers.issued"] and total[3] == want["vouchers.issued_amount"]
        assert total[4] == want["vouchers.redeemed"] and total[5] == want["vouchers.verified"]
        assert total[6] == want["vouchers.reimbursed"]
        assert total[7] == want["vouchers.reimbursed_amount"]
        assert total[1] == len(vouchers)  # one live application per voucher made
    by_group = {t.key: t for t in section.tables}["vouchers.by_group"]
    names = dict(TargetGroup.objects.values_list("pk", "name"))
    for row in by_group.rows:
        mine = [v for v in vouchers if names[v.application.target_group_id] == row[0]]
        assert row[2] == sum(1 for v in mine if v.status != "voided")
    assert {c.kind for c in section.charts} == {"bar", "hbar"}


def test_the_year_before_is_paired_by_key(data):
    before = _expected(YEAR - 1)
    for figure in section_for_year(SECTION, YEAR).data.figures:
        assert figure.previous == before[figure.key], figure.key


def test_the_number_of_queries_does_not_depend_on_the_data(reviewer):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            SECTION.compute(YEAR)
        return len(ctx.captured_queries)

    rng = random.Random(5)
    _make(rng, reviewer, per_batch=3)
    small = count()
    _make(rng, reviewer, per_batch=150)
    assert count() == small


def test_links_list_exactly_the_counted_vouchers(data, reviewer, official, client_for):
    want = _expected(YEAR)
    figures = _by_key(SECTION.compute(YEAR))
    for user in (reviewer, official):
        client = client_for(user)
        for figure in figures.values():
            response = client.get(figure.link)
            assert response.status_code == 200, figure.link
            changelist = response.context["cl"]
            params = dict(parse_qsl(urlsplit(figure.link).query))
            assert set(changelist.get_filters_params()) == set(params)
            step = figure.key.removeprefix("vouchers.").removesuffix("_amount")
            listed = set(changelist.queryset.values_list("pk", flat=True))
            assert listed == want["_pks"][step], figure.key
