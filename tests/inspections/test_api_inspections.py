"""The inspections API: read-only inspections and rectifications, scoped (staff all, agency
users their own, officials read), and the agency's answer by POST, errors as elsewhere."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from inspections.models import Rectification
from inspections.services.consequences import after_conclusion
from kunqu_jiafu.documents.models import Document
from tests import factories

from . import factories_rectification as fr
from .factories_scoring import make_inspection, make_round

pytestmark = pytest.mark.django_db


def _opened(agency) -> Rectification:
    inspection = fr.concluded(agency)
    after_conclusion(inspection)
    return inspection.rectification


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_agency_users_see_their_own_and_staff_and_officials_see_all(
    agency_a, org_a, org_b, reviewer, official, client_for
):
    mine, theirs = _opened(org_a), _opened(org_b)
    assert _ids(client_for(agency_a).get("/api/rectifications/")) == {mine.pk}
    assert _ids(client_for(reviewer).get("/api/rectifications/")) == {mine.pk, theirs.pk}
    assert _ids(client_for(official).get("/api/rectifications/")) == {mine.pk, theirs.pk}
    assert _ids(client_for(agency_a).get("/api/inspections/")) == {mine.inspection_id}
    assert client_for(agency_a).get(f"/api/rectifications/{theirs.pk}/").status_code == 404
    assert client_for(agency_a).get(f"/api/inspections/{theirs.inspection_id}/").status_code == 404
    row = client_for(agency_a).get(f"/api/rectifications/{mine.pk}/").json()
    assert row["status"] == "open" and "统一制度" in row["requirements"]


def test_the_agency_answers_by_post_with_evidence(agency_a, org_a, client_for):
    rectification = _opened(org_a)
    pdf = SimpleUploadedFile("proof.pdf", factories.make_pdf(), content_type="application/pdf")
    response = client_for(agency_a).post(
        f"/api/rectifications/{rectification.pk}/answer/", {"answer": "已整改", "files": [pdf]}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "answered"
    assert Document.objects.filter(owner_id=str(rectification.pk)).count() == 1


def test_bad_answers_are_400_by_field_and_others_are_403_or_404(
    agency_a, org_a, org_b, official, reviewer, client_for
):
    rectification = _opened(org_a)
    url = f"/api/rectifications/{rectification.pk}/answer/"
    blank = client_for(agency_a).post(url, {"answer": ""})
    assert blank.status_code == 400 and "answer" in blank.json()
    fake = SimpleUploadedFile("x.pdf", b"plain text", content_type="application/pdf")
    bad_file = client_for(agency_a).post(url, {"answer": "好", "files": [fake]})
    assert bad_file.status_code == 400 and "files" in bad_file.json()
    assert client_for(official).post(url, {"answer": "好"}).status_code == 403
    assert client_for(reviewer).post(url, {"answer": "好"}).status_code == 403
    stranger = factories.make_agency_user("agency_b", org_b)
    assert client_for(stranger).post(url, {"answer": "好"}).status_code == 404
    rectification.refresh_from_db()
    assert rectification.status == Rectification.Status.OPEN


def test_the_routes_are_in_the_schema(reviewer, client_for):
    schema = client_for(reviewer).get("/api/schema/", {"format": "json"}).json()
    assert "/api/rectifications/{id}/answer/" in schema["paths"]
    assert "/api/inspections/" in schema["paths"]


def test_agency_users_see_only_concluded_inspections_as_on_the_portal(
    agency_a, org_a, reviewer, approver, official, client_for
):
    concluded = fr.concluded(org_a)
    planned = make_inspection(org_a, reviewer, approver, round_=make_round(2031))  # not concluded
    agency = client_for(agency_a)
    assert _ids(agency.get("/api/inspections/")) == {concluded.pk}
    assert _ids(agency.get("/api/inspections/?status=planned")) == set()
    assert agency.get(f"/api/inspections/{planned.pk}/").status_code == 404
    portal = agency.get("/portal/inspections/")
    assert [i.pk for i in portal.context["inspections"]] == [concluded.pk]
    for staff in (reviewer, official):
        assert _ids(client_for(staff).get("/api/inspections/")) == {concluded.pk, planned.pk}
