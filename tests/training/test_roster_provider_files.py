"""Roster files as providers keep them: a title row, the course and street on every row, columns
of their own.

Issue 9: "Roster files as providers keep them carry 培训项目, 开班日期 and 所属街道 per row and
often a title row above the header. Find the header row by itself; use those columns (match the
course, keep the street) or list the columns that were ignored before the user confirms."
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from tests.import_jobs import post_and_run
from tests.training.test_roster_import import _course, _ids
from training import imports as imp
from training import roster_columns as col

TITLE = "昆都仑区2026年第一期家政服务员培训花名册"
HEADER = ["序号", "姓 名", "身份证号码", "联系电话", "培训项目", "开班日期", "所属街道", "备注"]


@pytest.fixture
def course(agency_a, org_a):
    return _course(agency_a, org_a, capacity=20)


def _provider_rows(course, count=3, overrides=None):
    rows = []
    for i, number in enumerate(_ids(count)):
        row = {
            "序号": i + 1,
            "姓 名": f"学员{i}",
            "身份证号码": number,
            "联系电话": f"1390000002{i}",
            "培训项目": course.name,
            "开班日期": course.starts_on,
            "所属街道": "昆北街道",
            "备注": "周末班",
        }
        row.update((overrides or {}).get(i, {}))
        rows.append(row)
    return rows


def _workbook(rows, *, titles=(TITLE,), merge=True, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    for title in titles:
        sheet.append([title])
        if merge:
            sheet.merge_cells(
                start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=8
            )
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(h) for h in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _file(content: bytes, name="花名册.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def _errors(result) -> dict[tuple[int, str], str]:
    return {(e.row, e.field): e.message for e in result.errors}


def test_a_merged_title_row_above_the_header_is_skipped_and_extra_columns_listed(agency_a, course):
    preview = imp.roster_preview(
        actor=agency_a, course=course, uploaded_file=_file(_workbook(_provider_rows(course)))
    )
    assert preview.ok, preview.errors
    assert preview.header_row == 2
    assert preview.ignored == ["序号", "备注"]
    assert [line.row for line in preview.lines] == [3, 4, 5]  # Excel's own row numbers
    result = imp.roster_import(
        actor=agency_a, course=course, uploaded_file=_file(_workbook(_provider_rows(course)))
    )
    assert result.ok and result.created == 3
    enrolments = course.enrolments.select_related("street", "person").order_by("id")
    assert {e.street.name for e in enrolments} == {"昆北街道"}  # the street is kept
    assert [e.person.phone for e in enrolments] == ["13900000020", "13900000021", "13900000022"]


def test_two_title_rows_unmerged_are_skipped_too(agency_a, course):
    content = _workbook(_provider_rows(course), titles=(TITLE, "培训机构：甲家政"), merge=False)
    preview = imp.roster_preview(actor=agency_a, course=course, uploaded_file=_file(content))
    assert preview.ok and preview.header_row == 3 and preview.new == 3


def test_a_row_naming_another_course_or_start_date_is_an_error_naming_the_row(agency_a, course):
    rows = _provider_rows(
        course,
        count=4,
        overrides={1: {"培训项目": "2026年第二期育婴员培训"}, 3: {"开班日期": dt.date(2026, 4, 1)}},
    )
    result = imp.roster_preview(actor=agency_a, course=course, uploaded_file=_file(_workbook(rows)))
    assert not result.ok
    errors = _errors(result)
    assert set(errors) == {(4, col.COURSE_NAME), (6, col.COURSE_START)}
    assert "2026年第二期育婴员培训" in errors[(4, col.COURSE_NAME)]
    assert course.name in errors[(4, col.COURSE_NAME)]
    assert "2026-04-01" in errors[(6, col.COURSE_START)]
    assert not course.enrolments.exists()


def test_the_course_name_matches_despite_spaces_and_the_street_without_its_suffix(agency_a, course):
    rows = _provider_rows(
        course,
        overrides={0: {"培训项目": f" {course.name[:4]} {course.name[4:]}", "所属街道": "昆北"}},
    )
    result = imp.roster_import(actor=agency_a, course=course, uploaded_file=_file(_workbook(rows)))
    assert result.ok, result.errors
    assert course.enrolments.filter(street__name="昆北街道").count() == 3


def test_an_unknown_street_is_an_error_naming_the_row_and_the_fix(agency_a, course):
    rows = _provider_rows(course, overrides={2: {"所属街道": "火星街道"}})
    result = imp.roster_preview(actor=agency_a, course=course, uploaded_file=_file(_workbook(rows)))
    errors = _errors(result)
    assert set(errors) == {(5, col.STREET)}
    assert "火星街道" in errors[(5, col.STREET)] and "昆北街道" in errors[(5, col.STREET)]


def test_no_header_row_in_the_first_rows_is_a_file_error_naming_the_columns(agency_a, course):
    content = _workbook(_provider_rows(course), titles=[f"说明{i}" for i in range(10)])
    with pytest.raises(ValidationError) as caught:
        imp.roster_preview(actor=agency_a, course=course, uploaded_file=_file(content))
    message = " ".join(caught.value.message_dict["file"])
    assert col.NAME in message and "10" in message


def test_a_header_without_id_number_or_key_is_refused(agency_a, course):
    header = ["姓名", "联系电话"]
    content = _workbook([{"姓名": "张三", "联系电话": "13900000000"}], header=header)
    with pytest.raises(ValidationError) as caught:
        imp.roster_preview(actor=agency_a, course=course, uploaded_file=_file(content))
    message = " ".join(caught.value.message_dict["file"])
    assert col.ID_NUMBER in message and col.KEY in message


def test_a_csv_with_a_title_line_is_read_the_same(agency_a, course):
    rows = _provider_rows(course)
    lines = [TITLE, ",".join(HEADER)]
    for row in rows:
        lines.append(
            ",".join(
                str(row[h]) if not isinstance(row[h], dt.date) else row[h].isoformat()
                for h in HEADER
            )
        )
    content = ("\n".join(lines) + "\n").encode("utf-8-sig")
    preview = imp.roster_preview(
        actor=agency_a, course=course, uploaded_file=_file(content, "花名册.csv")
    )
    assert preview.ok, preview.errors
    assert preview.header_row == 2 and preview.ignored == ["序号", "备注"]


def test_the_portal_preview_lists_the_ignored_columns_before_confirming(
    client_for, agency_a, course
):
    url = reverse("training:roster_import", args=[course.pk])
    response = post_and_run(
        client_for(agency_a), url, {"file": _file(_workbook(_provider_rows(course)))}
    )
    body = response.content.decode()
    assert response.job.status == "checked"
    assert 'data-testid="preview-ignored"' in body and "序号、备注" in body
    assert 'data-testid="preview-header-row"' in body


def test_the_admin_preview_lists_the_ignored_columns(client_for, reviewer, course):
    url = reverse("admin:training_course_import_roster", args=[course.pk])
    response = post_and_run(
        client_for(reviewer), url, {"file": _file(_workbook(_provider_rows(course)))}
    )
    body = response.content.decode()
    assert response.job.status == "checked"
    assert 'data-testid="preview-ignored"' in body and "序号、备注" in body


def test_training_progress_counts_trainees_by_their_own_street_where_the_roster_gave_it(
    agency_a, course
):
    from agencies.models import Street
    from training import selectors
    from training.models import Enrolment

    rows = _provider_rows(course, overrides={2: {"所属街道": "昆河镇"}})
    assert imp.roster_import(actor=agency_a, course=course, uploaded_file=_file(_workbook(rows))).ok
    Enrolment.objects.filter(course=course).update(completed=True, completed_on=course.ends_on)
    by_street = {r["street"]: r["people"] for r in selectors.progress(2026)["by_street"]}
    assert by_street == {"昆北街道": 2, "昆河镇": 1}
    assert Street.objects.get(name="昆河镇")  # a real street of the district


def test_the_api_preview_names_the_header_row_and_the_ignored_columns(client_for, agency_a, course):
    response = client_for(agency_a).post(
        f"/api/courses/{course.pk}/roster/",
        {"file": _file(_workbook(_provider_rows(course))), "confirm": "false"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["ok"] is True and body["new"] == 3
    assert body["header_row"] == 2 and body["ignored_columns"] == ["序号", "备注"]
    assert not course.enrolments.exists()
