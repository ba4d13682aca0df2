"""The Excel template for the worker import: header, example row, 说明 sheet, lists."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kunqu_jiafu.documents.spreadsheets import print_landscape_one_page_wide

from .worker_columns import (
    ACCIDENT_INSURANCE_UNTIL,
    CERTIFICATES,
    CONTRACT_END,
    CONTRACT_KIND,
    CONTRACT_KINDS,
    CONTRACT_START,
    DATA_SHEET_TITLE,
    EXAMPLE_ID_NUMBER,
    GRADUATE,
    HARD_TO_EMPLOY,
    HEALTH_CHECK_ON,
    HELP_SHEET_TITLE,
    HIRED_ON,
    ID_NUMBER,
    INSURED_SINCE,
    JOB,
    MAX_ROWS,
    NAME,
    NO,
    PHONE,
    SOCIAL_INSURANCE,
    YES,
    WorkerResource,
)


@dataclass(frozen=True)
class _ColumnHelp:
    width: int
    required: bool
    note: Any  # lazy text
    example: Any


_COLUMN_HELP = {
    NAME: _ColumnHelp(10, True, gettext_lazy("The worker's name as on the ID card."), "王芳"),
    ID_NUMBER: _ColumnHelp(
        22,
        True,
        gettext_lazy("18-character resident ID number; enter it as text. A final x is read as X."),
        EXAMPLE_ID_NUMBER,
    ),
    PHONE: _ColumnHelp(15, False, gettext_lazy("Mobile or landline number."), "13900000000"),
    JOB: _ColumnHelp(
        14, True, gettext_lazy("For example 家政服务员, 养老护理员, 育婴员."), "家政服务员"
    ),
    HIRED_ON: _ColumnHelp(13, True, gettext_lazy("Date, like 2024-01-05."), dt.date(2024, 1, 5)),
    CONTRACT_KIND: _ColumnHelp(
        12,
        True,
        gettext_lazy("Choose 劳动合同 (labour contract) or 服务协议 (service agreement)."),
        "劳动合同",
    ),
    CONTRACT_START: _ColumnHelp(
        14, True, gettext_lazy("Date, like 2024-01-05."), dt.date(2024, 1, 5)
    ),
    CONTRACT_END: _ColumnHelp(
        14,
        False,
        gettext_lazy("Date; leave empty for an open-ended contract. Not before the start."),
        dt.date(2027, 1, 4),
    ),
    SOCIAL_INSURANCE: _ColumnHelp(14, False, gettext_lazy("是 or 否; empty means 否."), YES),
    INSURED_SINCE: _ColumnHelp(
        13, False, gettext_lazy("Required when social insurance is 是."), dt.date(2024, 1, 5)
    ),
    HEALTH_CHECK_ON: _ColumnHelp(
        14,
        False,
        gettext_lazy("Date of the last health check; not in the future."),
        dt.date(2025, 6, 1),
    ),
    ACCIDENT_INSURANCE_UNTIL: _ColumnHelp(
        15, False, gettext_lazy("Last day the accident insurance is valid."), dt.date(2026, 12, 31)
    ),
    CERTIFICATES: _ColumnHelp(
        28,
        False,
        gettext_lazy("Training taken and certificates held, up to 300 characters."),
        "家政服务员（四级）",
    ),
    HARD_TO_EMPLOY: _ColumnHelp(13, False, gettext_lazy("是 or 否; empty means 否."), NO),
    GRADUATE: _ColumnHelp(12, False, gettext_lazy("是 or 否; empty means 否."), NO),
}

_DATE_COLUMNS = {
    HIRED_ON,
    CONTRACT_START,
    CONTRACT_END,
    INSURED_SINCE,
    HEALTH_CHECK_ON,
    ACCIDENT_INSURANCE_UNTIL,
}
_YES_NO_COLUMNS = {SOCIAL_INSURANCE, HARD_TO_EMPLOY, GRADUATE}
_TEXT_COLUMNS = {ID_NUMBER, PHONE}


def build_template() -> bytes:
    """The worker import template: header, one example row, 说明 sheet, drop-down lists."""
    headers = WorkerResource().headers()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET_TITLE
    sheet.append(headers)
    sheet.append([_COLUMN_HELP[h].example for h in headers])
    sheet.freeze_panes = "A2"
    print_landscape_one_page_wide(sheet)

    required_fill = PatternFill("solid", fgColor="FCE4D6")
    optional_fill = PatternFill("solid", fgColor="DDEBF7")
    last_row = MAX_ROWS + 1
    for index, header in enumerate(headers, start=1):
        letter = get_column_letter(index)
        spec = _COLUMN_HELP[header]
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="C00000" if spec.required else "000000")
        cell.fill = required_fill if spec.required else optional_fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
        example = sheet.cell(row=2, column=index)
        example.font = Font(italic=True, color="808080")
        column = sheet.column_dimensions[letter]
        column.width = spec.width
        if header in _DATE_COLUMNS:
            column.number_format = "yyyy-mm-dd"
            example.number_format = "yyyy-mm-dd"
        elif header in _TEXT_COLUMNS:
            column.number_format = "@"
            example.number_format = "@"

    def add_list(options: str, header: str, title: str) -> None:
        letter = get_column_letter(headers.index(header) + 1)
        validation = DataValidation(
            type="list", formula1=f'"{options}"', allow_blank=True, showErrorMessage=True
        )
        validation.errorTitle = title
        validation.error = _("Please choose a value from the list.")
        validation.add(f"{letter}2:{letter}{last_row}")
        sheet.add_data_validation(validation)

    add_list(",".join(CONTRACT_KINDS), CONTRACT_KIND, CONTRACT_KIND)
    for header in sorted(_YES_NO_COLUMNS, key=headers.index):
        add_list(f"{YES},{NO}", header, header)

    _add_help_sheet(workbook.create_sheet(HELP_SHEET_TITLE), headers)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _add_help_sheet(sheet, headers: list[str]) -> None:
    print_landscape_one_page_wide(sheet)
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 10
    sheet.column_dimensions["C"].width = 80
    sheet.append([_("How to fill in the worker import template")])
    sheet["A1"].font = Font(bold=True, size=14)
    rules = [
        _(
            "Fill in one worker per row on the sheet %(sheet)s, from row 2; keep the header row "
            "unchanged."
        )
        % {"sheet": DATA_SHEET_TITLE},
        _("Row 2 is an example (grey): overwrite it with a real worker or delete it."),
        _("Columns with a red header must be filled in."),
        _("Dates like 2024-01-05; 2024/1/5 and 2024.1.5 are also accepted."),
        _("At most %(max)s workers per file. A CSV file with the same header row is also accepted.")
        % {"max": MAX_ROWS},
        _("A person who is already a current worker of your agency is updated, not added twice."),
        _(
            "If any row has a mistake, nothing is imported: every mistake is listed by row and "
            "column; correct them and upload the file again."
        ),
    ]
    for number, rule in enumerate(rules, start=1):
        sheet.append([f"{number}. {rule}"])
    sheet.append([])
    sheet.append([_("Column"), _("Required"), _("How to fill it in")])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for header in headers:
        spec = _COLUMN_HELP[header]
        sheet.append([header, YES if spec.required else NO, str(spec.note)])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=cell.column == 3, vertical="top")
