"""Workers through the API: adding by ID number, editing, derived status and its filter."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from agencies import rules, selectors
from agencies.models import Agency, Worker
from kunqu_jiafu.people.models import Person
from tests import factories
from tests.id_search import api_token

JSON = "application/json"


def _new_worker(**overrides) -> dict:
    data = {
        "id_number": factories.id_number(),
        "name": "陈红",
        "job": "养老护理员",
        "hired_on": "2025-01-01",
        "contract_kind": "labour",
        "contract_start": "2025-01-01",
        "contract_end": "2027-12-31",
        "social_insurance": True,
        "insured_since": "2025-01-01",
    }
    data.update(overrides)
    return data


def test_agency_user_adds_a_worker_to_its_own_agency(agency_a, org_a, client_for):
    number = factories.id_number()
    response = client_for(agency_a).post(
        "/api/workers/", _new_worker(id_number=number), content_type=JSON
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["agency"] == org_a.pk
    assert body["name"] == "陈红"
    assert body["id_number"] != number and body["id_number"].endswith(number[-4:])
    assert body["status"] == rules.YELLOW  # no health check or accident insurance yet
    assert "无体检记录" in body["status_reasons"]
    assert Worker.objects.get(pk=body["id"]).person.id_number == number


def test_worker_with_bad_id_number_is_400_naming_id_number(agency_a, client_for):
    good = factories.id_number()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = client_for(agency_a).post(
        "/api/workers/", _new_worker(id_number=bad), content_type=JSON
    )
    assert response.status_code == 400
    assert "id_number" in response.json()
    assert not Worker.objects.exists()
    assert not Person.objects.exists()


@pytest.mark.parametrize("bad", ["", "123", "15020319850315002", "150203198502300021"])
def test_malformed_id_numbers_are_400_naming_id_number(bad, agency_a, client_for):
    response = client_for(agency_a).post(
        "/api/workers/", _new_worker(id_number=bad), content_type=JSON
    )
    assert response.status_code == 400
    assert "id_number" in response.json()
    assert not Worker.objects.exists()


def test_full_width_id_number_is_normalised(agency_a, client_for):
    number = factories.id_number()
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number)
    response = client_for(agency_a).post(
        "/api/workers/", _new_worker(id_number=f" {full_width} "), content_type=JSON
    )
    assert response.status_code == 201, response.json()
    assert Person.objects.by_id_number(number).exists()


def test_same_person_twice_in_one_agency_names_id_number(agency_a, client_for):
    data = _new_worker()
    client = client_for(agency_a)
    assert client.post("/api/workers/", data, content_type=JSON).status_code == 201
    again = client.post("/api/workers/", data, content_type=JSON)
    assert again.status_code == 400
    assert "id_number" in again.json()
    assert Worker.objects.count() == 1


def test_insured_without_date_names_insured_since(agency_a, client_for):
    response = client_for(agency_a).post(
        "/api/workers/", _new_worker(insured_since=None), content_type=JSON
    )
    assert response.status_code == 400
    assert "insured_since" in response.json()
    assert not Worker.objects.exists()


def test_agency_user_cannot_add_to_another_agency(agency_a, org_b, client_for):
    response = client_for(agency_a).post(
        "/api/workers/", _new_worker(agency=org_b.pk), content_type=JSON
    )
    assert response.status_code == 400
    assert "agency" in response.json()
    assert not Worker.objects.filter(agency=org_b).exists()


def test_reviewer_must_name_the_agency(reviewer, org_a, client_for):
    client = client_for(reviewer)
    missing = client.post("/api/workers/", _new_worker(), content_type=JSON)
    assert missing.status_code == 400
    assert "agency" in missing.json()
    number = factories.id_number()
    added = client.post(
        "/api/workers/", _new_worker(agency=org_a.pk, id_number=number), content_type=JSON
    )
    assert added.status_code == 201, added.json()
    assert added.json()["agency"] == org_a.pk
    assert added.json()["id_number"] == number  # reviewers see the full number


def test_user_without_role_cannot_add_workers(db, client_for, org_a):
    nobody = factories.make_user("nobody")
    response = client_for(nobody).post(
        "/api/workers/", _new_worker(agency=org_a.pk), content_type=JSON
    )
    assert response.status_code == 403
    assert not Worker.objects.exists()


def test_agency_of_deregistered_status_cannot_add_workers(client_for, db):
    agency = factories.make_agency("戊公司", status=Agency.Status.DEREGISTERED)
    user = factories.make_agency_user("agency_e", agency)
    response = client_for(user).post("/api/workers/", _new_worker(), content_type=JSON)
    assert response.status_code == 403
    assert not Worker.objects.exists()


def test_agency_user_updates_a_worker(agency_a, org_a, client_for):
    worker = factories.make_worker(org_a)
    response = client_for(agency_a).patch(
        f"/api/workers/{worker.pk}/", {"job": "育婴员", "health_check_on": None}, content_type=JSON
    )
    assert response.status_code == 200, response.json()
    assert response.json()["job"] == "育婴员"
    assert response.json()["status"] == rules.YELLOW
    worker.refresh_from_db()
    assert worker.job == "育婴员"
    assert worker.health_check_on is None


def test_id_number_of_an_existing_worker_cannot_be_changed(agency_a, org_a, client_for):
    worker = factories.make_worker(org_a)
    response = client_for(agency_a).patch(
        f"/api/workers/{worker.pk}/", {"id_number": factories.id_number()}, content_type=JSON
    )
    assert response.status_code == 400
    assert "id_number" in response.json()


def test_leaving_before_hire_date_names_left_on(agency_a, org_a, client_for):
    worker = factories.make_worker(org_a)
    response = client_for(agency_a).patch(
        f"/api/workers/{worker.pk}/", {"left_on": "2023-01-01"}, content_type=JSON
    )
    assert response.status_code == 400
    assert "left_on" in response.json()
    worker.refresh_from_db()
    assert worker.left_on is None


def test_contract_ending_before_start_names_contract_end(agency_a, org_a, client_for):
    worker = factories.make_worker(org_a)
    response = client_for(agency_a).patch(
        f"/api/workers/{worker.pk}/", {"contract_end": "2020-01-01"}, content_type=JSON
    )
    assert response.status_code == 400
    assert "contract_end" in response.json()


def test_worker_shows_red_when_agency_is_suspended(reviewer, org_a, client_for):
    worker = factories.make_worker(org_a)
    org_a.status = Agency.Status.SUSPENDED
    org_a.save()
    body = client_for(reviewer).get(f"/api/workers/{worker.pk}/").json()
    assert body["status"] == rules.RED
    assert body["status_label"] == "不可上岗"
    assert body["status_reasons"] == ["所属机构已暂停或注销"]


def _colour_world(org_a, org_b) -> dict[str, set[int]]:
    today = timezone.localdate()
    green = factories.make_worker(org_a)
    old_check = factories.make_worker(org_a, health_check_on=today - dt.timedelta(days=400))
    no_insurance = factories.make_worker(org_a, accident_insurance_until=None)
    expired_insurance = factories.make_worker(
        org_a, accident_insurance_until=today - dt.timedelta(days=1)
    )
    identity_doubt = factories.make_worker(
        org_a, person=factories.make_person("赵敏", factories.id_number(area="999999"))
    )
    identity_doubt.person.identity_problem = "身份证号无法核实"
    identity_doubt.person.save()
    org_b.status = Agency.Status.SUSPENDED
    org_b.save()
    suspended = factories.make_worker(org_b)
    return {
        rules.GREEN: {green.pk},
        rules.YELLOW: {old_check.pk, no_insurance.pk, expired_insurance.pk},
        rules.RED: {identity_doubt.pk, suspended.pk},
    }


def test_status_filter_matches_the_derived_status(reviewer, org_a, org_b, client_for):
    expected = _colour_world(org_a, org_b)
    client = client_for(reviewer)
    for colour, ids in expected.items():
        rows = client.get("/api/workers/", {"status": colour}).json()["results"]
        assert {row["id"] for row in rows} == ids, colour
        assert {row["status"] for row in rows} == {colour}
    assert client.get("/api/workers/", {"status": "purple"}).status_code == 400


def test_status_filter_agrees_with_worker_status_for_every_worker(org_a, org_b):
    _colour_world(org_a, org_b)
    today = timezone.localdate()
    policy = selectors.policy_for_year(today.year)
    workers = Worker.objects.select_related("person", "agency")
    for colour in (rules.GREEN, rules.YELLOW, rules.RED):
        filtered = set(
            selectors.workers_by_status(workers, colour, today=today, policy=policy).values_list(
                "pk", flat=True
            )
        )
        derived = {
            w.pk
            for w in workers
            if selectors.worker_status(w, today=today, policy=policy).colour == colour
        }
        assert filtered == derived, colour


@pytest.mark.parametrize("months", [1, 6, 12, 13, 24])
def test_health_check_boundary_in_sql_matches_the_rule(months):
    # Month ends and leap days are where clamping could make SQL and Python disagree.
    start = dt.date(2023, 12, 20)
    for offset in range(0, 500, 3):
        today = start + dt.timedelta(days=offset)
        valid_from = selectors.health_check_valid_from(today, months)
        for delta in range(-4, 5):
            checked = valid_from + dt.timedelta(days=delta)
            expired = rules.add_months(checked, months) < today
            assert expired == (checked < valid_from), (today, checked, months)


def test_worker_filters_by_agency_contract_and_insurance(reviewer, org_a, org_b, client_for):
    factories.make_worker(
        org_a, contract_kind="service", social_insurance=False, insured_since=None
    )
    factories.make_worker(org_a)
    factories.make_worker(org_b, job="病患陪护员")
    client = client_for(reviewer)
    assert client.get("/api/workers/", {"agency": org_a.pk}).json()["count"] == 2
    assert client.get("/api/workers/", {"contract_kind": "service"}).json()["count"] == 1
    assert client.get("/api/workers/", {"social_insurance": "false"}).json()["count"] == 1
    assert client.get("/api/workers/", {"job": "陪护"}).json()["count"] == 1
    assert client.get("/api/workers/", {"agency": "abc"}).status_code == 400


def test_reviewer_finds_a_worker_by_id_number(reviewer, org_a, client_for):
    number = factories.id_number()
    worker = factories.make_worker(org_a, person=factories.make_person("孙丽", number))
    factories.make_worker(org_a)
    client = client_for(reviewer)
    rows = client.get("/api/workers/", {"id_token": api_token(client, number)}).json()["results"]
    assert [row["id"] for row in rows] == [worker.pk]


def test_official_may_not_probe_id_numbers(official, org_a, client_for):
    number = factories.id_number()
    factories.make_worker(org_a, person=factories.make_person("孙丽", number))
    client = client_for(official)
    response = client.get("/api/workers/", {"id_token": api_token(client, number)})
    assert response.status_code == 400
    assert "id_token" in response.json()
