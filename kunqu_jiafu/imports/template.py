"""The Excel template of an import, made from its spec: header, example row, lists, 说明.

The header row is red bold on orange for a required column and black on blue otherwise; row 2
is a grey example; date and text columns carry their number format; columns with choices get
a drop-down list down to the last row a file may have; the 说明 sheet lists the spec's rules
and, column by column, whether it is required and how to fill it in.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from kunqu_jiafu.documents.spreadsheets import (
    add_list_validation,
    print_landscape_one_page_wide,
    style_header_cell,
)
from kunqu_jiafu.documents.xlsx import XLSX_CONTENT_TYPE, attachment_header, workbook_bytes

from .spec import ImportSpec
from .widgets import NO, YES


def build_template(spec: ImportSpec) -> bytes:
    """The import template of ``spec`` as XLSX bytes."""
    headers = list(spec.headers)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = spec.sheet_title
    sheet.append(headers)
    sheet.append([c.example for c in spec.columns])
    sheet.freeze_panes = "A2"
    print_landscape_one_page_wide(sheet)
    for index, column in enumerate(spec.columns, start=1):
        style_header_cell(sheet.cell(row=1, column=index), required=column.required)
        example = sheet.cell(row=2, column=index)
        example.font = Font(italic=True, color="808080")
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = column.width
        if column.cell_format:
            dimension.number_format = example.number_format = column.cell_format
    for column in spec.columns:
        if column.choices:
            add_list_validation(sheet, headers, column.header, column.choices, spec.max_rows + 1)
    _add_help_sheet(workbook.create_sheet(spec.help_sheet_title), spec)
    return workbook_bytes(workbook)


def template_response(spec: ImportSpec) -> HttpResponse:
    """The template as a download, with the Chinese file name and an ASCII fallback."""
    return HttpResponse(
        build_template(spec),
        content_type=XLSX_CONTENT_TYPE,
        headers={
            "Content-Disposition": attachment_header(
                spec.template_filename, fallback=spec.template_fallback
            )
        },
    )


def _add_help_sheet(sheet, spec: ImportSpec) -> None:
    print_landscape_one_page_wide(sheet)
    sheet.column_dimensions["A"].width = spec.help_column_width
    sheet.column_dimensions["B"].width = 10
    sheet.column_dimensions["C"].width = 80
    sheet.append([str(spec.help_title)])
    sheet["A1"].font = Font(bold=True, size=14)
    for number, rule in enumerate(spec.help_rules(), start=1):
        sheet.append([f"{number}. {rule}"])
    sheet.append([])
    sheet.append([_("Column"), _("Required"), _("How to fill it in")])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for column in spec.columns:
        sheet.append([column.header, YES if column.required else NO, str(column.note)])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=cell.column == 3, vertical="top")
