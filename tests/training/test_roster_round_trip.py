"""The roster export is the import's own file: export → record results → import → records change.

Issue 9: "The training roster export cannot be re-imported (other headers, masked IDs, no
phone). Export in the import template's columns, so a provider can record attendance and
results and upload the same file back; where a role may not see full ID numbers the row
carries the enrolment's own key, which the importer accepts."
"""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kunqu_jiafu.accounts.roles import OFFICIAL
from tests import factories
from tests.import_jobs import confirm_and_run, post_and_run
from tests.training.test_roster_import import _course, _ids
from training import imports as imp
from training import roster_columns as col
from training import services
from training.models import Enrolment

PHONES = ("13900000011", "13900000012", "13900000013")


@pytest.fixture
def course(agency_a, org_a):
    course = _course(agency_a, org_a, capacity=10)
    for i, number in enumerate(_ids(3)):
        services.enrol(
            actor=agency_a,
            course=course,
            id_number=number,
            name=f"学员{i}",
            phone=PHONES[i],
            flags={"is_unemployed": i == 0},
        )
    return course


def _sheet(content: bytes):
    book = load_workbook(io.BytesIO(content))
    return book, book[col.DATA_SHEET_TITLE]


def _column(sheet, header: str) -> int:
    return [c.value for c in sheet[1]].index(header) + 1


def _record_results(sheet) -> None:
    """What a provider does at the end of the course: hours, completion, exam, one certificate."""
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=_column(sheet, col.ATTENDED_HOURS), value=38)
        sheet.cell(row=row, column=_column(sheet, col.COMPLETED), value="是")
        sheet.cell(row=row, column=_column(sheet, col.COMPLETED_ON), value=dt.date(2026, 3, 20))
        sheet.cell(row=row, column=_column(sheet, col.EXAM), value="合格")
    sheet.cell(row=2, column=_column(sheet, col.CERTIFICATE_NUMBER), value="S0001502030099")


def _save(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _import_through(client, url, content: bytes):
    preview = post_and_run(client, url, {"file": SimpleUploadedFile("花名册.xlsx", content)})
    assert preview.job.status == "checked", preview.job.outcome.get("errors")
    assert preview.job.outcome["updated"] == 3 and preview.job.outcome["new"] == 0
    return confirm_and_run(client, preview.job)


def _assert_results_recorded(course) -> None:
    enrolments = list(course.enrolments.order_by("id"))
    assert len(enrolments) == 3  # updated, nobody enrolled twice
    assert all(e.attended_hours == 38 and e.completed and e.exam == "passed" for e in enrolments)
    assert all(e.completed_on == dt.date(2026, 3, 20) for e in enrolments)
    assert enrolments[0].certificate_number == "S0001502030099"


def test_provider_export_has_the_import_columns_masked_ids_keys_and_phones(
    client_for, agency_a, course
):
    response = client_for(agency_a).get(reverse("training:roster_export", args=[course.pk]))
    assert response.status_code == 200
    assert quote("培训花名册") in response["Content-Disposition"]
    _book, sheet = _sheet(response.content)
    assert [c.value for c in sheet[1]] == list(col.HEADERS)
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 3
    by_header = [dict(zip(col.HEADERS, row, strict=True)) for row in rows]
    enrolments = list(course.enrolments.select_related("person").order_by("id"))
    for values, enrolment in zip(by_header, enrolments, strict=True):
        assert "*" in values[col.ID_NUMBER]  # a provider never sees full ID numbers
        assert values[col.KEY] == enrolment.key and len(enrolment.key) == 12
        assert str(enrolment.pk) != enrolment.key
        assert values[col.COURSE_NAME] == course.name
    assert [v[col.PHONE] for v in by_header] == list(PHONES)
    assert [v[col.UNEMPLOYED] for v in by_header] == ["是", "否", "否"]
    assert by_header[0][col.EXAM] == "未考核" and by_header[0][col.COMPLETED] == "否"
    # Typed cells: hours a number, the start date a date.
    assert sheet.cell(row=2, column=_column(sheet, col.ATTENDED_HOURS)).data_type == "n"
    assert sheet.cell(row=2, column=_column(sheet, col.COURSE_START)).is_date


def test_provider_round_trip_export_record_results_import_changes_the_records(
    client_for, agency_a, course
):
    client = client_for(agency_a)
    exported = client.get(reverse("training:roster_export", args=[course.pk])).content
    book, sheet = _sheet(exported)
    _record_results(sheet)
    done = _import_through(client, reverse("training:roster_import", args=[course.pk]), _save(book))
    assert done.job.status == "done"
    _assert_results_recorded(course)


def test_admin_round_trip_for_a_reviewer_who_sees_full_ids(client_for, reviewer, course):
    client = client_for(reviewer)
    change = client.get(reverse("admin:training_course_change", args=[course.pk]))
    export_url = reverse("admin:training_course_roster_export", args=[course.pk])
    assert export_url in change.content.decode()
    exported = client.get(export_url)
    assert exported.status_code == 200
    book, sheet = _sheet(exported.content)
    ids = [sheet.cell(row=r, column=_column(sheet, col.ID_NUMBER)).value for r in (2, 3, 4)]
    assert ids == [e.person.id_number for e in course.enrolments.order_by("id")]  # full numbers
    _record_results(sheet)
    done = _import_through(
        client, reverse("admin:training_course_import_roster", args=[course.pk]), _save(book)
    )
    assert done.job.status == "done"
    _assert_results_recorded(course)


def test_official_may_export_but_not_import_in_the_admin(client_for, course):
    official = factories.make_user("official", OFFICIAL)
    client = client_for(official)
    export = client.get(reverse("admin:training_course_roster_export", args=[course.pk]))
    assert export.status_code == 200
    _book, sheet = _sheet(export.content)
    assert "*" in sheet.cell(row=2, column=_column(sheet, col.ID_NUMBER)).value
    importing = client.get(reverse("admin:training_course_import_roster", args=[course.pk]))
    assert importing.status_code == 403


def test_agency_b_cannot_export_agency_a_roster(client_for, agency_b, course):
    response = client_for(agency_b).get(reverse("training:roster_export", args=[course.pk]))
    assert response.status_code == 404


def _exported(agency_a, course) -> tuple:
    enrolments = course.enrolments.select_related("person", "street").order_by("id")
    from training.roster_export import build_roster_export

    return _sheet(build_roster_export(course, enrolments, agency_a))


def _preview(actor, course, content: bytes):
    return imp.roster_preview(
        actor=actor, course=course, uploaded_file=SimpleUploadedFile("r.xlsx", content)
    )


def _errors(result) -> dict[tuple[int, str], str]:
    return {(e.row, e.field): e.message for e in result.errors}


def test_a_masked_id_without_its_key_is_refused_naming_the_row_and_the_fix(agency_a, course):
    book, sheet = _exported(agency_a, course)
    sheet.cell(row=3, column=_column(sheet, col.KEY)).value = None
    result = _preview(agency_a, course, _save(book))
    assert not result.ok
    errors = _errors(result)
    assert set(errors) == {(3, col.ID_NUMBER)}
    assert col.KEY in errors[(3, col.ID_NUMBER)]


def test_a_key_not_of_this_course_is_refused(agency_a, org_a, course):
    other = _course(agency_a, org_a, name="另一期培训")
    foreign = services.enrol(
        actor=agency_a, course=other, id_number=_ids(1, 1990)[0], name="外班学员"
    )
    book, sheet = _exported(agency_a, course)
    sheet.cell(row=2, column=_column(sheet, col.KEY), value=foreign.key)
    sheet.cell(row=4, column=_column(sheet, col.KEY), value="ZZZZZZZZZZZZ")
    errors = _errors(_preview(agency_a, course, _save(book)))
    assert set(errors) == {(2, col.KEY), (4, col.KEY)}
    assert Enrolment.objects.filter(course=course).count() == 3


def test_a_full_id_and_a_key_of_different_trainees_are_refused(reviewer, agency_a, course):
    book, sheet = _exported(reviewer, course)
    key_column = _column(sheet, col.KEY)
    first = sheet.cell(row=2, column=key_column).value
    sheet.cell(row=2, column=key_column, value=sheet.cell(row=3, column=key_column).value)
    sheet.cell(row=3, column=key_column, value=first)
    errors = _errors(_preview(reviewer, course, _save(book)))
    assert set(errors) == {(2, col.ID_NUMBER), (3, col.ID_NUMBER)}


def test_a_key_written_in_lower_case_with_spaces_is_still_the_trainee(agency_a, course):
    book, sheet = _exported(agency_a, course)
    key = sheet.cell(row=2, column=_column(sheet, col.KEY)).value
    sheet.cell(row=2, column=_column(sheet, col.KEY), value=f" {key[:6].lower()} {key[6:]} ")
    result = _preview(agency_a, course, _save(book))
    assert result.ok, result.errors
    assert result.updated == 3


def test_the_exported_roster_imports_unchanged_without_changing_anything(agency_a, course):
    before = list(course.enrolments.order_by("id").values())
    book, _sheet_ = _exported(agency_a, course)
    result = imp.roster_import(
        actor=agency_a, course=course, uploaded_file=SimpleUploadedFile("r.xlsx", _save(book))
    )
    assert result.ok and result.updated == 3 and result.created == 0
    assert list(course.enrolments.order_by("id").values()) == before
