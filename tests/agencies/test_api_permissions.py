"""Who may read and write what through the agencies API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from agencies.models import Agency, EmployeeSystemFiling, Recognition
from tests import factories

LISTS = [
    "/api/agencies/",
    "/api/workers/",
    "/api/recognitions/",
    "/api/filings/",
    "/api/streets/",
    "/api/business-formats/",
    "/api/me/",
]


def _recognition(agency: Agency) -> Recognition:
    return Recognition.objects.create(
        agency=agency, kind_id=Recognition.Kind.STATION, year=2025, granted_on=dt.date(2025, 6, 1)
    )


def _filing(agency: Agency) -> EmployeeSystemFiling:
    return EmployeeSystemFiling.objects.create(
        agency=agency,
        signs_customer_contracts=True,
        dispatches_workers=True,
        pays_wages_directly=True,
        trains_continuously=True,
        submitted_at=timezone.now(),
    )


@pytest.fixture
def world(org_a, org_b):
    """Each agency with one worker, one recognition and one filing."""
    return {
        "a": {
            "agency": org_a,
            "worker": factories.make_worker(org_a, person=factories.make_person("王芳")),
            "recognition": _recognition(org_a),
            "filing": _filing(org_a),
        },
        "b": {
            "agency": org_b,
            "worker": factories.make_worker(org_b, person=factories.make_person("李娜")),
            "recognition": _recognition(org_b),
            "filing": _filing(org_b),
        },
    }


def _detail_urls(objs: dict) -> list[str]:
    return [
        f"/api/agencies/{objs['agency'].pk}/",
        f"/api/workers/{objs['worker'].pk}/",
        f"/api/recognitions/{objs['recognition'].pk}/",
        f"/api/filings/{objs['filing'].pk}/",
    ]


def _ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("url", LISTS)
def test_anonymous_is_refused_every_api_list(url, db, client_for, anonymous):
    response = client_for(anonymous).get(url)
    assert response.status_code in (401, 403)


def test_anonymous_cannot_read_a_detail_or_write(world, client_for, anonymous):
    client = client_for(anonymous)
    for url in _detail_urls(world["a"]):
        assert client.get(url).status_code in (401, 403)
    response = client.post("/api/workers/", {}, content_type="application/json")
    assert response.status_code in (401, 403)


def test_agency_a_lists_only_its_own_records(world, agency_a, client_for):
    client = client_for(agency_a)
    a = world["a"]
    assert _ids(client.get("/api/agencies/")) == {a["agency"].pk}
    assert _ids(client.get("/api/workers/")) == {a["worker"].pk}
    assert _ids(client.get("/api/recognitions/")) == {a["recognition"].pk}
    assert _ids(client.get("/api/filings/")) == {a["filing"].pk}


def test_agency_a_reads_its_own_details(world, agency_a, client_for):
    client = client_for(agency_a)
    for url in _detail_urls(world["a"]):
        assert client.get(url).status_code == 200, url


def test_agency_b_gets_404_on_agency_a_details(world, agency_b, client_for):
    client = client_for(agency_b)
    for url in _detail_urls(world["a"]):
        assert client.get(url).status_code == 404, url


def test_404_outside_scope_looks_like_absent(world, agency_b, client_for):
    client = client_for(agency_b)
    hidden = client.get(f"/api/agencies/{world['a']['agency'].pk}/")
    absent = client.get("/api/agencies/999999/")
    assert hidden.status_code == absent.status_code == 404
    assert hidden.json() == absent.json()
    assert "Agency" not in hidden.content.decode()


def test_agency_b_gets_404_updating_agency_a_objects(world, agency_b, client_for):
    client = client_for(agency_b)
    a = world["a"]
    responses = [
        client.patch(
            f"/api/agencies/{a['agency'].pk}/",
            {"phone": "13900000000"},
            content_type="application/json",
        ),
        client.post(
            f"/api/agencies/{a['agency'].pk}/transition/",
            {"action": "suspend", "reason": "x"},
            content_type="application/json",
        ),
        client.patch(
            f"/api/workers/{a['worker'].pk}/", {"job": "育婴员"}, content_type="application/json"
        ),
        client.post(
            f"/api/filings/{a['filing'].pk}/decide/",
            {"action": "approve"},
            content_type="application/json",
        ),
    ]
    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    a["agency"].refresh_from_db()
    a["worker"].refresh_from_db()
    assert a["agency"].phone == "13800000000"
    assert a["worker"].job == "家政服务员"


def test_agency_b_cannot_filter_its_way_into_agency_a(world, agency_b, client_for):
    client = client_for(agency_b)
    response = client.get("/api/workers/", {"agency": world["a"]["agency"].pk})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_agency_user_sees_masked_id_numbers(world, agency_a, client_for):
    person = world["a"]["worker"].person
    row = client_for(agency_a).get("/api/workers/").json()["results"][0]
    assert row["id_number"] == person.id_masked
    assert row["id_number"] != person.id_number
    assert "*" in row["id_number"]


@pytest.mark.parametrize("actor", ["reviewer", "approver"])
def test_reviewers_and_approvers_see_everything_with_full_id_numbers(
    actor, world, client_for, request
):
    client = client_for(request.getfixturevalue(actor))
    assert _ids(client.get("/api/agencies/")) == {world["a"]["agency"].pk, world["b"]["agency"].pk}
    rows = client.get("/api/workers/").json()["results"]
    assert {row["id_number"] for row in rows} == {
        world["a"]["worker"].person.id_number,
        world["b"]["worker"].person.id_number,
    }
    for key in ("a", "b"):
        for url in _detail_urls(world[key]):
            assert client.get(url).status_code == 200, url


def test_official_reads_everything_with_masked_id_numbers(world, official, client_for):
    client = client_for(official)
    assert _ids(client.get("/api/agencies/")) == {world["a"]["agency"].pk, world["b"]["agency"].pk}
    assert len(_ids(client.get("/api/recognitions/"))) == 2
    assert len(_ids(client.get("/api/filings/"))) == 2
    rows = client.get("/api/workers/").json()["results"]
    assert {row["id_number"] for row in rows} == {
        world["a"]["worker"].person.id_masked,
        world["b"]["worker"].person.id_masked,
    }
    detail = client.get(f"/api/workers/{world['a']['worker'].pk}/").json()
    assert detail["id_number"] == world["a"]["worker"].person.id_masked


def test_official_gets_403_on_every_write(world, official, client_for):
    client = client_for(official)
    a = world["a"]
    json = "application/json"
    responses = {
        "apply": client.post("/api/agencies/", {}, content_type=json),
        "agency patch": client.patch(
            f"/api/agencies/{a['agency'].pk}/", {"phone": "1"}, content_type=json
        ),
        "transition": client.post(
            f"/api/agencies/{a['agency'].pk}/transition/",
            {"action": "suspend", "reason": "抽查"},
            content_type=json,
        ),
        "worker add": client.post("/api/workers/", {}, content_type=json),
        "worker patch": client.patch(
            f"/api/workers/{a['worker'].pk}/", {"job": "x"}, content_type=json
        ),
        "filing": client.post("/api/filings/", {}, content_type=json),
        "decide": client.post(
            f"/api/filings/{a['filing'].pk}/decide/", {"action": "approve"}, content_type=json
        ),
    }
    assert {name: r.status_code for name, r in responses.items()} == dict.fromkeys(responses, 403)
    a["agency"].refresh_from_db()
    assert a["agency"].status == Agency.Status.REGISTERED


def test_reference_data_is_read_only(db, reviewer, client_for):
    client = client_for(reviewer)
    assert client.get("/api/streets/").json()["count"] == 15
    assert client.post("/api/streets/", {}, content_type="application/json").status_code == 405
    assert client.get("/api/business-formats/").json()["count"] >= 4


def test_put_and_delete_are_not_offered(world, reviewer, client_for):
    client = client_for(reviewer)
    url = f"/api/agencies/{world['a']['agency'].pk}/"
    assert client.delete(url).status_code == 405
    assert client.put(url, {}, content_type="application/json").status_code == 405
    assert Agency.objects.filter(pk=world["a"]["agency"].pk).exists()


def test_me_tells_an_agency_user_their_agency(agency_a, org_a, client_for):
    body = client_for(agency_a).get("/api/me/").json()
    assert body["username"] == "agency_a"
    assert body["roles"] == ["机构用户"]
    assert body["agency"] == org_a.pk
    assert body["can_see_full_id"] is False


def test_me_tells_a_reviewer_they_see_full_ids(reviewer, client_for):
    body = client_for(reviewer).get("/api/me/").json()
    assert body["roles"] == ["业务经办"]
    assert body["agency"] is None
    assert body["can_see_full_id"] is True


def test_token_auth_works(agency_a, org_a, client):
    response = client.post(
        "/api/auth/token/", {"username": "agency_a", "password": factories.PASSWORD}
    )
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.status_code == 200
    assert me.json()["agency"] == org_a.pk
    listing = client.get("/api/agencies/", HTTP_AUTHORIZATION=f"Token {token}")
    assert _ids(listing) == {org_a.pk}


def test_wrong_token_is_refused(agency_a, client):
    response = client.get("/api/me/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code in (401, 403)


def test_wrong_password_gets_no_token(agency_a, client):
    response = client.post("/api/auth/token/", {"username": "agency_a", "password": "wrong"})
    assert response.status_code == 400
    assert "token" not in response.json()
