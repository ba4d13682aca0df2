"""Every training API list runs the same number of queries at 10 and at 1,000 rows."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kunqu_jiafu.people.models import Person
from tests import factories
from training.models import Course, CourseKind, Enrolment

_seq = itertools.count(1)


def _people(count: int) -> list[Person]:
    people = []
    for _ in range(count):
        n = next(_seq)
        birth = dt.date(1970, 1, 1) + dt.timedelta(days=n)
        person = Person(name=f"学员{n}")
        person.set_id_number(factories.id_number(birth=f"{birth:%Y%m%d}", seq=2))
        people.append(person)
    return Person.objects.bulk_create(people)


def _courses(provider, count: int) -> list[Course]:
    kinds = list(CourseKind.objects.all())
    return Course.objects.bulk_create(
        Course(
            name=f"培训班{next(_seq)}",
            kind=kinds[i % len(kinds)],
            provider=provider,
            starts_on=dt.date(2026, 3, 1),
            ends_on=dt.date(2026, 3, 20),
            class_hours=40,
            capacity=10_000,
            policy_year=2026,
        )
        for i in range(count)
    )


def _enrolments(course: Course, count: int) -> None:
    Enrolment.objects.bulk_create(
        Enrolment(
            course=course,
            person=person,
            completed=i % 2 == 0,
            completed_on=dt.date(2026, 3, 20) if i % 2 == 0 else None,
        )
        for i, person in enumerate(_people(count))
    )


def _build(provider, other, rows: int) -> None:
    _courses(provider, rows)
    _courses(other, rows)
    _enrolments(Course.objects.filter(provider=provider).first(), rows)
    _enrolments(Course.objects.filter(provider=other).first(), rows)


def _counts(client, urls) -> dict[str, tuple[int, int]]:
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        body = response.json()
        counts[url] = (len(ctx), len(body["results"]) if "results" in body else 0)
    return counts


URLS = ["/api/courses/", "/api/enrolments/", "/api/enrolments/?completed=true"]


@pytest.mark.parametrize("actor", ["agency_a", "reviewer", "official"])
def test_training_lists_use_constant_queries(actor, request, org_a, org_b, client_for):
    user = request.getfixturevalue(actor)
    client = client_for(user)
    urls = URLS + (["/api/training-progress/?year=2026"] if actor != "agency_a" else [])
    _build(org_a, org_b, 10)
    small = _counts(client, urls)
    _build(org_a, org_b, 990)
    large = _counts(client, urls)
    assert {u: q for u, (q, _n) in small.items()} == {u: q for u, (q, _n) in large.items()}
    assert large["/api/courses/"][1] == 50  # full pages really served
    assert large["/api/enrolments/"][1] == 50
    total = client.get("/api/enrolments/").json()["count"]
    assert total == (1000 if actor == "agency_a" else 2000)  # scoped to its own courses
