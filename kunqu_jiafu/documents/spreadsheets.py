"""Styling the workbooks people fill in: header cells, print setup, drop-down lists.

Used by the import templates (``kunqu_jiafu.imports.template``) and by the apps' own fill-in
workbooks (the roster export, voucher progress). Reading uploads is the import pipeline's
(``kunqu_jiafu.imports``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

YES, NO = "是", "否"


# --- templates ---------------------------------------------------------------------------

REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")


def print_landscape_one_page_wide(sheet) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0


def style_header_cell(cell, *, required: bool) -> None:
    """Red bold on orange for a required column, black on blue for an optional one."""
    cell.font = Font(bold=True, color="C00000" if required else "000000")
    cell.fill = REQUIRED_FILL if required else OPTIONAL_FILL
    cell.alignment = Alignment(horizontal="center", vertical="center")


def add_list_validation(
    sheet, headers: list[str], header: str, options: Iterable[str], last_row: int
) -> None:
    """A drop-down list on one column, from row 2 to ``last_row``."""
    letter = get_column_letter(headers.index(header) + 1)
    validation = DataValidation(
        type="list", formula1=f'"{",".join(options)}"', allow_blank=True, showErrorMessage=True
    )
    validation.errorTitle = header
    validation.error = _("Please choose a value from the list.")
    validation.add(f"{letter}2:{letter}{last_row}")
    sheet.add_data_validation(validation)
