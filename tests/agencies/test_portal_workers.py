"""Portal: the worker list, add, edit, leave, and the scoping of workers to their agency."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Agency, Worker
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.people.models import Person
from tests import factories
from tests.id_search import search

pytestmark = pytest.mark.django_db


def worker_post(**overrides) -> dict:
    data = {
        "name": "刘春梅",
        "id_number": factories.id_number(birth="19800512"),
        "phone": "13900001111",
        "job": "家政服务员",
        "hired_on": "2025-03-01",
        "contract_kind": "labour",
        "contract_start": "2025-03-01",
        "contract_end": "2027-02-28",
        "social_insurance": "on",
        "insured_since": "2025-03-01",
        "health_check_on": (dt.date.today() - dt.timedelta(days=10)).isoformat(),
        "accident_insurance_until": (dt.date.today() + dt.timedelta(days=100)).isoformat(),
        "certificates": "家政服务员四级",
    }
    data.update(overrides)
    return data


def bulk_workers(agency: Agency, count: int, start: int = 0) -> None:
    """Many workers quickly, with distinct valid ID numbers and mixed statuses."""
    today = dt.date.today()
    people = []
    for i in range(start, start + count):
        person = Person(name=f"员工{i:04d}")
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=i)
        person.set_id_number(factories.id_number(birth=f"{birth:%Y%m%d}", seq=2))
        people.append(person)
    Person.objects.bulk_create(people)
    people = Person.objects.filter(name__in=[p.name for p in people])
    Worker.objects.bulk_create(
        Worker(
            agency=agency,
            person=person,
            job="家政服务员" if n % 2 else "养老护理员",
            hired_on=dt.date(2024, 1, 1),
            contract_kind="labour",
            contract_start=dt.date(2024, 1, 1),
            social_insurance=True,
            insured_since=dt.date(2024, 1, 1),
            health_check_on=None if n % 3 == 0 else today - dt.timedelta(days=20),
            accident_insurance_until=today + dt.timedelta(days=100),
        )
        for n, person in enumerate(people)
    )


def test_agency_b_gets_404_on_agency_a_worker_pages(client_for, agency_b, org_a):
    worker = factories.make_worker(org_a)
    client = client_for(agency_b)
    assert client.get(reverse("portal:worker_edit", args=[worker.pk])).status_code == 404
    assert (
        client.post(
            reverse("portal:worker_edit", args=[worker.pk]), worker_post(job="改")
        ).status_code
        == 404
    )
    assert client.get(reverse("portal:worker_leave", args=[worker.pk])).status_code == 404
    assert (
        client.post(
            reverse("portal:worker_leave", args=[worker.pk]),
            {"left_on": dt.date.today().isoformat()},
        ).status_code
        == 404
    )
    worker.refresh_from_db()
    assert worker.job == "家政服务员" and worker.left_on is None


def test_worker_list_shows_only_own_workers_with_masked_id_numbers(
    client_for, agency_a, org_a, org_b
):
    mine = factories.make_worker(org_a, person=factories.make_person("甲员工"))
    factories.make_worker(org_b, person=factories.make_person("乙员工"))
    response = client_for(agency_a).get(reverse("portal:workers"))
    html = response.content.decode()
    assert "甲员工" in html and "乙员工" not in html
    assert mine.person.id_masked in html
    assert mine.person.id_number not in html


def test_worker_add_creates_the_worker_with_an_audit_entry(client_for, agency_a, org_a):
    data = worker_post()
    response = client_for(agency_a).post(reverse("portal:worker_add"), data)
    assert response.status_code == 302
    worker = Worker.objects.get(agency=org_a)
    assert worker.person.name == "刘春梅"
    assert worker.person.id_number == data["id_number"]
    assert worker.contract_end == dt.date(2027, 2, 28)
    assert worker.social_insurance is True
    assert AuditEntry.objects.filter(
        action="agencies.worker.added", object_id=str(worker.pk)
    ).exists()


def test_worker_add_with_a_wrong_check_character_shows_the_error_and_writes_nothing(
    client_for, agency_a, org_a
):
    good = factories.id_number()
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = client_for(agency_a).post(reverse("portal:worker_add"), worker_post(id_number=wrong))
    assert response.status_code == 200
    errors = response.context["form"].errors["id_number"]
    assert good[-1] in errors[0]
    assert not Worker.objects.filter(agency=org_a).exists()
    assert not Person.objects.exists()


@pytest.mark.parametrize("bad", ["15020319850315", "15020319851345123X", "15020330000101123X"])
def test_worker_add_refuses_malformed_id_numbers(client_for, agency_a, bad):
    response = client_for(agency_a).post(reverse("portal:worker_add"), worker_post(id_number=bad))
    assert "id_number" in response.context["form"].errors
    assert not Worker.objects.exists()


def test_worker_add_shows_the_service_rule_on_the_field(client_for, agency_a):
    response = client_for(agency_a).post(
        reverse("portal:worker_add"),
        worker_post(contract_start="2025-03-01", contract_end="2024-01-01"),
    )
    assert "contract_end" in response.context["form"].errors
    assert not Worker.objects.exists()


def test_worker_add_refuses_the_same_person_twice(client_for, agency_a, org_a):
    worker = factories.make_worker(org_a)
    response = client_for(agency_a).post(
        reverse("portal:worker_add"),
        worker_post(name=worker.person.name, id_number=worker.person.id_number),
    )
    assert "id_number" in response.context["form"].errors
    assert Worker.objects.filter(agency=org_a).count() == 1


def test_worker_edit_saves_through_the_service(client_for, agency_a, org_a):
    worker = factories.make_worker(org_a)
    client = client_for(agency_a)
    page = client.get(reverse("portal:worker_edit", args=[worker.pk]))
    assert "id_number" not in page.context["form"].fields
    assert page.context["form"].initial["job"] == "家政服务员"
    response = client.post(
        reverse("portal:worker_edit", args=[worker.pk]),
        worker_post(job="养老护理员", social_insurance=""),
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert (worker.job, worker.social_insurance) == ("养老护理员", False)
    assert AuditEntry.objects.filter(
        action="agencies.worker.updated", object_id=str(worker.pk)
    ).exists()


def test_worker_leave_records_the_date_and_moves_the_worker_off_the_current_list(
    client_for, agency_a, org_a
):
    worker = factories.make_worker(org_a, person=factories.make_person("离职者"))
    client = client_for(agency_a)
    left_on = dt.date.today() - dt.timedelta(days=3)
    response = client.post(
        reverse("portal:worker_leave", args=[worker.pk]), {"left_on": left_on.isoformat()}
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.left_on == left_on

    def listed(**params):
        rows = client.get(reverse("portal:workers"), params).context["rows"]
        return [w.pk for w, _id, _status in rows]

    assert listed() == []
    assert listed(show="left") == [worker.pk]


def test_worker_leave_before_the_hire_date_is_refused(client_for, agency_a, org_a):
    worker = factories.make_worker(org_a, hired_on=dt.date(2024, 1, 1))
    response = client_for(agency_a).post(
        reverse("portal:worker_leave", args=[worker.pk]), {"left_on": "2023-12-31"}
    )
    assert "left_on" in response.context["form"].errors
    worker.refresh_from_db()
    assert worker.left_on is None


def test_worker_list_filters_by_colour_job_and_name(client_for, agency_a, org_a):
    factories.make_worker(org_a, person=factories.make_person("绿甲"), job="育婴员")
    factories.make_worker(org_a, person=factories.make_person("黄乙"), health_check_on=None)
    client = client_for(agency_a)

    def names(**params):
        response = client.get(reverse("portal:workers"), params)
        return sorted(w.person.name for w, _id, _status in response.context["rows"])

    assert names() == ["绿甲", "黄乙"]
    assert names(status="yellow") == ["黄乙"]
    assert names(status="green") == ["绿甲"]
    assert names(job="育婴员") == ["绿甲"]
    assert names(q="黄") == ["黄乙"]
    assert names(status="purple") == ["绿甲", "黄乙"]  # an unknown filter value is ignored


def test_worker_list_finds_a_worker_by_full_id_number(client_for, agency_a, org_a):
    worker = factories.make_worker(org_a, person=factories.make_person("查找"))
    factories.make_worker(org_a)
    response = search(client_for(agency_a), reverse("portal:workers"), worker.person.id_number)
    assert [w.pk for w, _id, _s in response.context["rows"]] == [worker.pk]


def test_worker_list_shows_status_reasons(client_for, agency_a, org_a):
    factories.make_worker(org_a, health_check_on=dt.date.today() - dt.timedelta(days=800))
    html = client_for(agency_a).get(reverse("portal:workers")).content.decode()
    assert "status-yellow" in html and "体检已过期" in html


def test_worker_list_is_paginated_by_twenty(client_for, agency_a, org_a):
    bulk_workers(org_a, 45)
    client = client_for(agency_a)
    assert len(client.get(reverse("portal:workers")).context["rows"]) == 20
    last = client.get(reverse("portal:workers"), {"page": 3})
    assert len(last.context["rows"]) == 5


def test_worker_list_query_count_is_the_same_at_10_and_1000_workers(client_for, agency_a, org_a):
    client = client_for(agency_a)
    client.get(reverse("portal:workers"))  # warm caches (content types, session)

    def measure(**params) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("portal:workers"), params)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    bulk_workers(org_a, 10)
    small = (measure(), measure(status="yellow"), measure(q="员工", page=1))
    bulk_workers(org_a, 990, start=10)
    assert Worker.objects.filter(agency=org_a).count() == 1000
    large = (measure(), measure(status="yellow"), measure(q="员工", page=1))
    assert small == large


def test_dashboard_query_count_is_the_same_at_10_and_1000_workers(client_for, agency_a, org_a):
    client = client_for(agency_a)
    client.get(reverse("portal:dashboard"))
    bulk_workers(org_a, 10)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("portal:dashboard"))
    bulk_workers(org_a, 990, start=10)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("portal:dashboard"))
    assert len(small.captured_queries) == len(large.captured_queries)


def test_workers_of_a_deregistered_agency_cannot_be_added(client_for, agency_a, org_a):
    Agency.objects.filter(pk=org_a.pk).update(status=Agency.Status.DEREGISTERED)
    response = client_for(agency_a).post(reverse("portal:worker_add"), worker_post())
    assert response.status_code == 302
    assert not Worker.objects.exists()
