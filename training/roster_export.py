"""The roster export (培训花名册导出) in the import template's columns.

A provider downloads the roster, records attendance, completion, exam and certificate in it and
uploads the same file: every column is the importer's, values are written as the importer reads
them (是/否, 合格/不合格/未考核, typed numbers and dates), and each row carries the enrolment's own
key (报名编号), which stands for the ID number where the reader sees it masked.
"""

from __future__ import annotations

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from kunqu_jiafu.documents.spreadsheets import (
    NO,
    YES,
    add_list_validation,
    print_landscape_one_page_wide,
    style_header_cell,
)
from kunqu_jiafu.documents.xlsx import neutralise, plain_text

from .models import Course, Enrolment
from .roster_columns import (
    ATTENDED_HOURS,
    CERTIFICATE_NUMBER,
    CERTIFIED_ON,
    COMPLETED,
    COMPLETED_ON,
    COURSE_NAME,
    COURSE_START,
    DATA_SHEET_TITLE,
    EXAM,
    EXAM_RESULTS,
    GRADUATE,
    HARD_TO_EMPLOY,
    HEADERS,
    ID_NUMBER,
    KEY,
    LOW_INCOME,
    NAME,
    PHONE,
    REQUIRED_HEADERS,
    SKILL_LEVEL,
    STREET,
    UNEMPLOYED,
)

_EXAM_TEXT = {value: text for text, value in EXAM_RESULTS.items()}
_DATES = {COMPLETED_ON, CERTIFIED_ON, COURSE_START}
_TEXT = {ID_NUMBER, KEY, PHONE, CERTIFICATE_NUMBER}
_YES_NO = (HARD_TO_EMPLOY, UNEMPLOYED, GRADUATE, LOW_INCOME, COMPLETED)
_WIDTHS = {NAME: 10, ID_NUMBER: 22, KEY: 15, PHONE: 14, STREET: 14, COURSE_NAME: 26}


def _yes_no(value: bool) -> str:
    return YES if value else NO


def _row(course: Course, enrolment: Enrolment, user) -> dict[str, object]:
    person = enrolment.person
    return {
        NAME: person.name,
        ID_NUMBER: person.id_for(user),
        KEY: enrolment.key,
        PHONE: person.phone,
        STREET: enrolment.street.name if enrolment.street_id else "",
        HARD_TO_EMPLOY: _yes_no(person.is_hard_to_employ),
        UNEMPLOYED: _yes_no(person.is_unemployed),
        GRADUATE: _yes_no(person.is_graduate),
        LOW_INCOME: _yes_no(person.is_low_income),
        ATTENDED_HOURS: enrolment.attended_hours,
        COMPLETED: _yes_no(enrolment.completed),
        COMPLETED_ON: enrolment.completed_on,
        EXAM: _EXAM_TEXT.get(enrolment.exam, ""),
        CERTIFICATE_NUMBER: enrolment.certificate_number,
        SKILL_LEVEL: enrolment.skill_level,
        CERTIFIED_ON: enrolment.certified_on,
        COURSE_NAME: course.name,
        COURSE_START: course.starts_on,
    }


def build_roster_export(course: Course, enrolments, user) -> bytes:
    """The course's roster as XLSX in the import columns; ID numbers as ``user`` may see them."""
    headers = list(HEADERS)
    book = Workbook()
    sheet = book.active
    sheet.title = DATA_SHEET_TITLE
    sheet.append(headers)
    sheet.freeze_panes = "C2"
    print_landscape_one_page_wide(sheet)
    count = 0
    for enrolment in enrolments:
        values = _row(course, enrolment, user)
        sheet.append([plain_text(v) if isinstance(v, str) else v for v in map(values.get, headers)])
        count += 1
        for cell in sheet[sheet.max_row]:
            neutralise(cell)  # a name or note starting with "=", "+", "-" or "@" stays text
    for index, header in enumerate(headers, start=1):
        style_header_cell(sheet.cell(row=1, column=index), required=header in REQUIRED_HEADERS)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = _WIDTHS.get(header, 11)
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            if header in _DATES:
                cell.number_format = "yyyy-mm-dd"
            elif header in _TEXT:
                cell.number_format = "@"
            if header == KEY:
                cell.font = Font(color="808080")
    last_row = max(count + 1, 2) + 200  # room for trainees added by hand
    for header in _YES_NO:
        add_list_validation(sheet, headers, header, (YES, NO), last_row)
    add_list_validation(sheet, headers, EXAM, EXAM_RESULTS, last_row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def roster_export_filename(course: Course) -> str:
    return f"{course.name}-{DATA_SHEET_TITLE}-{timezone.localdate():%Y%m%d}.xlsx"
