"""The Excel template of the training roster import: header, example row, 说明 sheet, lists."""

from __future__ import annotations

import datetime as dt
import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from kunqu_jiafu.documents.spreadsheets import (
    NO,
    YES,
    add_list_validation,
    print_landscape_one_page_wide,
    style_header_cell,
)

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
    EXAMPLE_ID_NUMBER,
    GRADUATE,
    HARD_TO_EMPLOY,
    HEADERS,
    HELP_SHEET_TITLE,
    ID_NUMBER,
    KEY,
    LOW_INCOME,
    MAX_ROWS,
    NAME,
    PHONE,
    REQUIRED_HEADERS,
    SKILL_LEVEL,
    STREET,
    UNEMPLOYED,
)

_YES_NO = gettext_lazy("是 or 否; empty means 否 for a new trainee and no change otherwise.")
_DATE = gettext_lazy("Date, like 2025-06-30; not in the future.")

# header: (width, how to fill it in, example)
_COLUMN_HELP = {
    NAME: (10, gettext_lazy("The trainee's name as on the ID card."), "李娜"),
    ID_NUMBER: (
        22,
        gettext_lazy("18-character resident ID number; enter it as text. A final x is read as X."),
        EXAMPLE_ID_NUMBER,
    ),
    KEY: (
        14,
        gettext_lazy(
            "Filled in on a roster exported from the system; it stands for the ID number there. "
            "Leave it empty for a new trainee."
        ),
        None,
    ),
    PHONE: (15, gettext_lazy("Mobile or landline number."), "13900000000"),
    STREET: (
        14,
        gettext_lazy("The street or town where the trainee lives, as the bureau names it."),
        "昆北街道",
    ),
    HARD_TO_EMPLOY: (13, _YES_NO, NO),
    UNEMPLOYED: (10, _YES_NO, YES),
    GRADUATE: (11, _YES_NO, NO),
    LOW_INCOME: (9, _YES_NO, NO),
    ATTENDED_HOURS: (
        10,
        gettext_lazy("Whole hours attended, at most the course's class hours."),
        40,
    ),
    COMPLETED: (10, gettext_lazy("是 when the trainee completed the course."), YES),
    COMPLETED_ON: (
        12,
        gettext_lazy("Date of completion; empty with 是 means the course's last day."),
        None,  # so the example fits any course
    ),
    EXAM: (12, gettext_lazy("合格, 不合格 or 未考核."), "合格"),
    CERTIFICATE_NUMBER: (
        22,
        gettext_lazy("Only with exam result 合格; each number once in the whole system."),
        "S000015020300001",
    ),
    SKILL_LEVEL: (10, gettext_lazy("For example 五级, 四级; needs a certificate number."), "四级"),
    CERTIFIED_ON: (12, _DATE, dt.date(2025, 7, 15)),
    COURSE_NAME: (
        24,
        gettext_lazy("May be left empty; if filled in, it must be the name of this course."),
        None,
    ),
    COURSE_START: (
        12,
        gettext_lazy("May be left empty; if filled in, it must be this course's start date."),
        None,
    ),
}
_DATE_COLUMNS = {COMPLETED_ON, CERTIFIED_ON, COURSE_START}
_TEXT_COLUMNS = {ID_NUMBER, KEY, PHONE, CERTIFICATE_NUMBER}
_YES_NO_COLUMNS = (HARD_TO_EMPLOY, UNEMPLOYED, GRADUATE, LOW_INCOME, COMPLETED)


def build_roster_template() -> bytes:
    """The roster import template: header, one grey example row, 说明 sheet, drop-downs."""
    headers = list(HEADERS)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET_TITLE
    sheet.append(headers)
    sheet.append([_COLUMN_HELP[h][2] for h in headers])
    sheet.freeze_panes = "A2"
    print_landscape_one_page_wide(sheet)
    for index, header in enumerate(headers, start=1):
        style_header_cell(sheet.cell(row=1, column=index), required=header in REQUIRED_HEADERS)
        example = sheet.cell(row=2, column=index)
        example.font = Font(italic=True, color="808080")
        column = sheet.column_dimensions[get_column_letter(index)]
        column.width = _COLUMN_HELP[header][0]
        if header in _DATE_COLUMNS:
            column.number_format = example.number_format = "yyyy-mm-dd"
        elif header in _TEXT_COLUMNS:
            column.number_format = example.number_format = "@"
    last_row = MAX_ROWS + 1
    for header in _YES_NO_COLUMNS:
        add_list_validation(sheet, headers, header, (YES, NO), last_row)
    add_list_validation(sheet, headers, EXAM, EXAM_RESULTS, last_row)
    _add_help_sheet(workbook.create_sheet(HELP_SHEET_TITLE), headers)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _add_help_sheet(sheet, headers: list[str]) -> None:
    print_landscape_one_page_wide(sheet)
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 10
    sheet.column_dimensions["C"].width = 80
    sheet.append([_("How to fill in the training roster template")])
    sheet["A1"].font = Font(bold=True, size=14)
    rules = [
        _(
            "Fill in one trainee per row on the sheet %(sheet)s, from row 2; keep the header "
            "row unchanged."
        )
        % {"sheet": DATA_SHEET_TITLE},
        _("Row 2 is an example (grey): overwrite it with a real trainee or delete it."),
        _(
            "A roster exported from the system has these same columns: record attendance and "
            "results in it and upload it again. Where it shows a masked ID number, the column "
            "%(key)s identifies the trainee; leave it as it is."
        )
        % {"key": KEY},
        _(
            "Your own roster works too: a title row above the header row is skipped, and "
            "columns the system does not know are listed in the preview and not imported."
        ),
        _("Columns with a red header must be filled in."),
        _("Dates like 2025-06-30; 2025/6/30, 2025.6.30 and 2025年6月30日 are also accepted."),
        _(
            "At most %(max)s trainees per file. A CSV file with the same header row is also "
            "accepted."
        )
        % {"max": MAX_ROWS},
        _(
            "A trainee already enrolled in the course is updated (hours, completion, exam, "
            "certificate), not enrolled twice; an empty cell leaves the recorded value alone."
        ),
        _(
            "Before anything is saved you see a preview: if any row has a mistake, nothing is "
            "imported and every mistake is listed by row and column."
        ),
    ]
    for number, rule in enumerate(rules, start=1):
        sheet.append([f"{number}. {rule}"])
    sheet.append([])
    sheet.append([_("Column"), _("Required"), _("How to fill it in")])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for header in headers:
        sheet.append(
            [header, YES if header in REQUIRED_HEADERS else NO, str(_COLUMN_HELP[header][1])]
        )
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=cell.column == 3, vertical="top")
