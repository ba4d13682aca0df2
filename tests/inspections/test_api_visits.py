"""Field visits in the API: bureau staff read and record, officials read (no photo links),
agencies get nothing. Issue 12: "Field visits (实地走访、调研) … listed per agency"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from inspections.models import FieldVisit
from inspections.services import visits as service
from tests.url_matrix import PNG

pytestmark = pytest.mark.django_db

DAY = dt.date.today() - dt.timedelta(days=1)


def _visit(reviewer, org, **extra):
    data = {
        "agency": org,
        "visited_on": DAY,
        "staff": [reviewer],
        "purpose": "调研企业发展情况",
        "needs": "用工需求",
        **extra,
    }
    photo = SimpleUploadedFile("走访.png", PNG, content_type="image/png")
    return service.visit_record(actor=reviewer, data=data, photos=[photo])


def test_staff_list_visits_per_agency_with_photo_links(client_for, reviewer, org_a, org_b):
    mine = _visit(reviewer, org_a)
    _visit(reviewer, org_b, purpose="回访")
    body = client_for(reviewer).get(f"/api/field-visits/?agency={org_a.pk}").json()
    assert [row["id"] for row in body["results"]] == [mine.pk]
    row = body["results"][0]
    assert row["agency_name"] == org_a.name and row["needs"] == "用工需求"
    assert row["photo_count"] == 1 and row["photos"][0]["url"].endswith("/")


def test_officials_read_visits_but_get_no_photo_links_and_cannot_record(
    client_for, reviewer, official, org_a
):
    visit = _visit(reviewer, org_a)
    client = client_for(official)
    row = client.get(f"/api/field-visits/{visit.pk}/").json()
    assert (row["photo_count"], row["photos"]) == (1, [])
    posted = client.post(
        "/api/field-visits/",
        {"agency": org_a.pk, "visited_on": f"{DAY}", "staff": [reviewer.pk], "purpose": "x"},
        content_type="application/json",
    )
    assert posted.status_code == 403
    assert FieldVisit.objects.count() == 1


def test_agencies_get_nothing(client_for, reviewer, agency_a, org_a):
    visit = _visit(reviewer, org_a)
    client = client_for(agency_a)
    assert client.get("/api/field-visits/").status_code == 403
    assert client.get(f"/api/field-visits/{visit.pk}/").status_code == 403


def test_a_reviewer_records_a_visit_with_photos_by_multipart(client_for, reviewer, approver, org_a):
    response = client_for(reviewer).post(
        "/api/field-visits/",
        {
            "agency": org_a.pk,
            "visited_on": f"{DAY}",
            "staff": [reviewer.pk, approver.pk],
            "purpose": "实地走访",
            "situation": "经营正常",
            "photos": [
                SimpleUploadedFile("一.png", PNG, content_type="image/png"),
                SimpleUploadedFile("二.png", PNG, content_type="image/png"),
            ],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["photo_count"] == 2
    assert sorted(body["staff"]) == sorted([reviewer.pk, approver.pk])


@pytest.mark.parametrize(
    "change,field",
    [
        ({"visited_on": "2026-02-30"}, "visited_on"),
        ({"visited_on": f"{dt.date.today() + dt.timedelta(days=2)}"}, "visited_on"),
        ({"purpose": ""}, "purpose"),
        ({"staff": []}, "staff"),
        ({"agency": 999999}, "agency"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_writes_nothing(
    client_for, reviewer, org_a, change, field
):
    data = {
        "agency": org_a.pk,
        "visited_on": f"{DAY}",
        "staff": [reviewer.pk],
        "purpose": "实地走访",
        **change,
    }
    response = client_for(reviewer).post(
        "/api/field-visits/", data, content_type="application/json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not FieldVisit.objects.exists()


def test_a_file_that_is_not_an_image_is_400_under_photos(client_for, reviewer, org_a):
    response = client_for(reviewer).post(
        "/api/field-visits/",
        {
            "agency": org_a.pk,
            "visited_on": f"{DAY}",
            "staff": [reviewer.pk],
            "purpose": "实地走访",
            "photos": [SimpleUploadedFile("a.png", b"not an image", content_type="image/png")],
        },
    )
    assert response.status_code == 400
    assert "photos" in response.json()
    assert not FieldVisit.objects.exists()
