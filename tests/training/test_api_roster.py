"""POST /api/courses/{id}/roster/: preview (confirm=false) or import (confirm=true)."""

from __future__ import annotations

from tests.training.test_roster_import import _course, _ids, _row, _xlsx
from training.models import Enrolment


def _post(client, course, rows, confirm: bool):
    return client.post(
        f"/api/courses/{course.pk}/roster/",
        {"file": _xlsx(rows), "confirm": "true" if confirm else "false"},
    )


def test_preview_reports_counts_and_writes_nothing(agency_a, org_a, client_for):
    course = _course(agency_a, org_a)
    a, b = _ids(2)
    response = _post(
        client_for(agency_a),
        course,
        [_row(**{"身份证号": a}), _row(**{"身份证号": b, "姓名": "赵敏"})],
        False,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["ok"] is True and body["imported"] is False
    assert body["new"] == 2 and body["rows"] == 2
    assert not Enrolment.objects.exists()


def test_confirm_imports_every_row_in_one_go(agency_a, org_a, client_for):
    course = _course(agency_a, org_a)
    a, b = _ids(2)
    response = _post(
        client_for(agency_a),
        course,
        [_row(**{"身份证号": a}), _row(**{"身份证号": b, "姓名": "赵敏"})],
        True,
    )
    assert response.status_code == 200
    assert response.json()["imported"] is True
    assert Enrolment.objects.filter(course=course).count() == 2


def test_a_bad_row_is_reported_by_row_and_column_and_nothing_is_written(
    agency_a, org_a, client_for
):
    course = _course(agency_a, org_a)
    good, other = _ids(2)
    bad = other[:-1] + ("0" if other[-1] != "0" else "1")
    response = _post(
        client_for(agency_a),
        course,
        [_row(**{"身份证号": good}), _row(**{"身份证号": bad, "姓名": "赵敏"})],
        True,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False and body["imported"] is False
    assert [(e["row"], e["field"]) for e in body["errors"]] == [(3, "身份证号")]
    assert not Enrolment.objects.exists()


def test_another_agency_gets_404_and_an_official_403(
    agency_a, agency_b, official, org_a, client_for
):
    course = _course(agency_a, org_a)
    (number,) = _ids(1)
    assert (
        _post(client_for(agency_b), course, [_row(**{"身份证号": number})], True).status_code == 404
    )
    assert (
        _post(client_for(official), course, [_row(**{"身份证号": number})], True).status_code == 403
    )
    assert not Enrolment.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_is_a_400_naming_the_file(agency_a, org_a, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    course = _course(agency_a, org_a)
    response = client_for(agency_a).post(
        f"/api/courses/{course.pk}/roster/",
        {"file": SimpleUploadedFile("roster.xlsx", b"not a workbook"), "confirm": "true"},
    )
    assert response.status_code == 400
    assert "file" in response.json()
