"""Hostile spreadsheets sent to the roster import (portal, admin, API) are refused with a
message before they are parsed, and nobody is enrolled."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kunqu_jiafu.imports import reading
from tests import hostile_files as hostile
from tests.training.test_roster_import import HEADERS, _course, _row
from training.models import Enrolment

pytestmark = pytest.mark.django_db

ROWS = [HEADERS, [_row().get(h) for h in HEADERS]]


@pytest.fixture
def never_parsed(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the hostile file reached openpyxl")

    monkeypatch.setattr(reading, "load_workbook", refuse)


@pytest.fixture
def course(agency_a, org_a):
    return _course(agency_a, org_a)


def test_portal_roster_import_refuses_a_declared_million_rows(
    agency_a, course, client_for, never_parsed
):
    data = hostile.declared_range(ROWS, "A1:XFD1048576")

    response = client_for(agency_a).post(
        reverse("training:roster_import", args=[course.pk]), {"file": hostile.upload(data)}
    )

    assert response.status_code == 200
    assert "A1:XFD1048576" in " ".join(response.context["form"].errors["file"])
    assert not response.context.get("token") and not Enrolment.objects.exists()


def test_admin_roster_import_refuses_a_shared_strings_bomb(
    reviewer, course, client_for, never_parsed
):
    data = hostile.shared_strings_bomb(ROWS)

    response = client_for(reviewer).post(
        reverse("admin:training_course_import_roster", args=[course.pk]),
        {"file": hostile.upload(data)},
    )

    assert response.status_code == 200
    assert "xl/sharedStrings.xml" in " ".join(response.context["form"].errors["file"])
    assert not Enrolment.objects.exists()


def test_api_roster_import_refuses_a_lying_member(agency_a, course, client_for, never_parsed):
    response = client_for(agency_a).post(
        f"/api/courses/{course.pk}/roster/",
        {"file": hostile.upload(hostile.lying_member(ROWS)), "confirm": "true"},
    )

    assert response.status_code == 400
    assert ".xlsx" in str(response.json())
    assert not Enrolment.objects.exists()
