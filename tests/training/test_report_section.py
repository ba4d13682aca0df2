"""The annual report's training section: every figure equals a count over the enrolments made
(seeded random data), tables add up, the year before is paired, the number of queries does not
depend on the data, and each figure's link lists exactly the enrolments behind it."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import Street
from kunqu_jiafu.people.models import Person
from kunqu_jiafu.reporting.registry import section_for_year, sections
from tests import factories
from training.models import Course, CourseKind, Enrolment
from training.report import SECTION

YEAR = 2025
_serial = itertools.count(1)


def _people(rng: random.Random, count: int) -> list[Person]:
    people = []
    for _n in range(count):
        k = next(_serial)
        born = dt.date(1960, 1, 1) + dt.timedelta(days=k)
        person = Person(name=f"学员{k}", is_hard_to_employ=rng.random() < 0.3)
        person.set_id_number(factories.id_number(birth=f"{born:%Y%m%d}", seq=2 * (k % 400) + 2))
        people.append(person)
    return Person.objects.bulk_create(people)


def _make(rng: random.Random, *, courses: int, people: int, enrolments: int) -> None:
    """Courses of random kinds, providers and streets in YEAR and the year before; enrolments
    of random people, some completed (in either year), some certified, some with a street."""
    streets = list(Street.objects.all())
    kinds = list(CourseKind.objects.all())
    providers = [
        factories.make_agency(f"培训机构{next(_serial)}", street=rng.choice(streets))
        for _n in range(2)
    ]
    made = Course.objects.bulk_create(
        Course(
            name=f"课程{next(_serial)}",
            kind=rng.choice(kinds),
            provider=rng.choice(providers),
            street=rng.choice([None, *streets]),
            starts_on=dt.date(YEAR - 1, 3, 1),
            ends_on=dt.date(YEAR, 3, 1),
            class_hours=40,
            capacity=100,
            policy_year=rng.choice([YEAR - 1, YEAR]),
        )
        for _n in range(courses)
    )
    pool = _people(rng, people)
    pairs = {(rng.choice(made), rng.choice(pool)) for _n in range(enrolments)}
    rows = []
    for course, person in pairs:
        completed = rng.random() < 0.7
        rows.append(
            Enrolment(
                course=course,
                person=person,
                completed=completed,
                completed_on=(
                    dt.date(rng.choice([YEAR - 1, YEAR]), rng.randint(1, 12), 15)
                    if completed
                    else None
                ),
                certificate_number=(
                    f"Z{next(_serial):06d}" if completed and rng.random() < 0.5 else ""
                ),
                street=rng.choice([None, None, *streets]),
            )
        )
    Enrolment.objects.bulk_create(rows)


def _street_of(e: Enrolment):
    return e.street_id or e.course.street_id or e.course.provider.street_id


def _expected(year: int) -> dict:
    rows = list(Enrolment.objects.select_related("course__kind", "course__provider", "person"))
    done = [e for e in rows if e.completed and e.completed_on.year == year]
    regular = [e for e in done if not e.course.kind.is_manager_training]
    return {
        "training.people": len({e.person_id for e in regular}),
        "training.managers": len({e.person_id for e in done if e.course.kind.is_manager_training}),
        "training.enrolments": sum(1 for e in rows if e.course.policy_year == year),
        "training.completions": len(done),
        "training.certificates": sum(1 for e in done if e.certificate_number),
        "training.women": len({e.person_id for e in done if e.course.kind.code == "women"}),
        "training.hard_to_employ": len(
            {e.person_id for e in regular if e.person.is_hard_to_employ}
        ),
        "_done": done,
        "_regular": regular,
        "_rows": rows,
    }


def _by_key(data) -> dict:
    return {f.key: f for f in data.figures}


@pytest.fixture
def data(db):
    _make(random.Random(13), courses=12, people=40, enrolments=120)


def test_the_section_is_registered_in_its_place():
    assert sections.get("training") is SECTION
    assert SECTION.order == 30 and str(SECTION.title) == "培训"


def test_every_figure_equals_a_count_over_the_records(data):
    want = _expected(YEAR)
    figures = _by_key(SECTION.compute(YEAR))
    for key, value in want.items():
        if not key.startswith("_"):
            assert figures[key].value == value, key
    assert want["training.people"] > 0 and want["training.certificates"] > 0
    # People are distinct persons: fewer than the completions they made.
    assert figures["training.people"].value < len(want["_regular"])
    for figure in figures.values():
        assert figure.unit and figure.definition and figure.label and figure.link


def test_the_target_is_the_bureaus_yearly_target(data):
    from training.models import TrainingTarget

    people = _by_key(SECTION.compute(YEAR))["training.people"]
    assert people.target_min == 2000 and people.has_target
    TrainingTarget.objects.create(year=YEAR, people=30)
    people = _by_key(SECTION.compute(YEAR))["training.people"]
    assert people.target_min == 30 and people.reached == (people.value >= 30)


def test_tables_add_up_to_the_figures(data):
    want = _expected(YEAR)
    section = SECTION.compute(YEAR)
    tables = {t.key: t for t in section.tables}
    kinds = tables["training.by_kind"]
    total = kinds.total_row()
    assert total[0] == "合计"
    assert total[2] == want["training.enrolments"]
    assert total[3] == want["training.completions"]
    assert total[4] == want["training.certificates"]
    # People per kind: distinct people in each kind; the column's total counts person-kind pairs.
    assert total[1] == len({(e.person_id, e.course.kind_id) for e in want["_done"]})
    for name, people, *_rest in kinds.rows:
        assert people == len({e.person_id for e in want["_done"] if e.course.kind.name == name})

    streets = tables["training.by_street"]
    regular_rows = [e for e in want["_rows"] if not e.course.kind.is_manager_training]
    names = dict(Street.objects.values_list("pk", "name"))
    total = streets.total_row()
    assert total[2] == sum(1 for e in regular_rows if e.course.policy_year == YEAR)
    assert total[3] == len(want["_regular"])
    assert total[4] == sum(1 for e in want["_regular"] if e.certificate_number)
    for name, people, *_rest in streets.rows:
        assert people == len(
            {e.person_id for e in want["_regular"] if names.get(_street_of(e)) == name}
        )
    charts = {c.key: c for c in section.charts}
    assert charts["training.by_street"].kind == "hbar"
    assert list(charts["training.by_kind"].series[0].values) == [r[1] for r in kinds.rows]


def test_the_year_before_is_paired_by_key(data):
    before = _expected(YEAR - 1)
    computed = section_for_year(SECTION, YEAR)
    for figure in computed.data.figures:
        assert figure.previous == before[figure.key], figure.key


def test_the_number_of_queries_does_not_depend_on_the_data(db):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            SECTION.compute(YEAR)
        return len(ctx.captured_queries)

    rng = random.Random(7)
    _make(rng, courses=3, people=5, enrolments=8)
    small = count()
    _make(rng, courses=30, people=150, enrolments=500)
    assert count() == small


def _listed(client, link: str) -> set[int]:
    response = client.get(link)
    assert response.status_code == 200, link
    changelist = response.context["cl"]
    # Every parameter of the link is one the list's filters took (none ignored, none an error).
    assert set(changelist.get_filters_params()) == set(dict_of(link)), link
    return set(changelist.queryset.values_list("pk", flat=True))


def dict_of(link: str) -> dict:
    query = urlsplit(link).query
    return dict(part.split("=", 1) for part in query.split("&") if part)


# Figures of distinct people: their links list the enrolments, one or more per person.
PEOPLE = {"training.people", "training.managers", "training.women", "training.hard_to_employ"}


def test_links_list_exactly_the_counted_records(data, reviewer, client_for):
    want = _expected(YEAR)
    figures = _by_key(SECTION.compute(YEAR))
    client = client_for(reviewer)
    done, regular = want["_done"], want["_regular"]
    rows = want["_rows"]
    expected = {
        "training.people": {e.pk for e in regular},
        "training.managers": {e.pk for e in done if e.course.kind.is_manager_training},
        "training.enrolments": {e.pk for e in rows if e.course.policy_year == YEAR},
        "training.completions": {e.pk for e in done},
        "training.certificates": {e.pk for e in done if e.certificate_number},
        "training.women": {e.pk for e in done if e.course.kind.code == "women"},
        "training.hard_to_employ": {e.pk for e in regular if e.person.is_hard_to_employ},
    }
    person_of = {e.pk: e.person_id for e in rows}
    for key, pks in expected.items():
        listed = _listed(client, figures[key].link)
        assert listed == pks, key
        if key in PEOPLE:
            assert len({person_of[pk] for pk in listed}) == figures[key].value, key
        else:
            assert len(listed) == figures[key].value, key


def test_an_official_opens_the_links_too(data, official, client_for):
    client = client_for(official)
    for figure in SECTION.compute(YEAR).figures:
        assert client.get(figure.link).status_code == 200
