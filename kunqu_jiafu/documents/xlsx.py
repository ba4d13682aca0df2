"""Writing the spreadsheets people download: typed cells, named sheets, Chinese file names.

* Cells keep their type: amounts and counts are numbers (``#,##0.00`` / ``0``), dates are
  dates (``yyyy-mm-dd``), moments are local date-times (``yyyy-mm-dd hh:mm``), so a ledger
  sums and sorts in Excel. Yes/no becomes 是/否.
* Text that looks like a formula stays text (formula injection): a cell whose text starts with
  ``= + - @``, a tab or a line break is written as a typed string cell marked "quote prefix"
  (Excel shows it as text and keeps it text when the cell is edited), never as a formula;
  control characters a workbook cannot hold are dropped. Numbers and dates are not text, so
  they stay typed; the writers' own totals (``=SUM(...)``) are written after this, as formulas.
* A sheet is named after its content (Excel allows 31 characters and no ``[]:*?/\\``).
* ``attachment_header`` sends the Chinese file name as RFC 5987 ``filename*=UTF-8''…`` with
  an ASCII ``filename="…"`` for the clients that read only that.

Used by the admin's list exports (``kunqu_jiafu.web.admin_kit``) and by the apps' own
workbooks (ledgers, voucher settlement and progress, rosters)."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

MONEY_FORMAT = "#,##0.00"
INTEGER_FORMAT = "0"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")
_FILE_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
# What a spreadsheet program may read as the start of a formula or a command.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


class LocalTime(str):
    """A moment shown as local time to the minute (``2026-11-29 17:30``) that a spreadsheet
    writes as a real date-time cell; everywhere else it is just that text."""

    moment: dt.datetime

    def __new__(cls, moment: dt.datetime) -> LocalTime:
        local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
        text = super().__new__(cls, local.strftime("%Y-%m-%d %H:%M"))
        text.moment = local.replace(tzinfo=None, second=0, microsecond=0)
        return text


def sheet_title(text: str) -> str:
    """A valid, non-empty sheet name made of ``text``."""
    title = _SHEET_UNSAFE.sub("", str(text)).strip().strip("'")[:31]
    return title or "Sheet1"


def typed_value(value: Any) -> tuple[Any, str | None]:
    """(the value to store, its number format): numbers, dates and moments keep their type."""
    if value is None or value == "":
        return None, None
    if isinstance(value, LocalTime):
        return value.moment, DATETIME_FORMAT
    if isinstance(value, bool):
        return (_("Yes") if value else _("No")), None
    if isinstance(value, Decimal):
        return value, MONEY_FORMAT if value.as_tuple().exponent < 0 else INTEGER_FORMAT
    if isinstance(value, int):
        return value, INTEGER_FORMAT
    if isinstance(value, float):
        return value, None
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.replace(tzinfo=None), DATETIME_FORMAT
    if isinstance(value, dt.date):
        return value, DATE_FORMAT
    return plain_text(value), None


def plain_text(value: Any) -> str:
    """``value`` as text a workbook can hold: the control characters it refuses dropped."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def neutralise(cell) -> None:
    """Keep a text cell text: no formula, even when it starts with ``= + - @`` or a tab."""
    value = cell.value
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        cell.data_type = "s"  # openpyxl takes text starting with "=" for a formula
        cell.quotePrefix = True


def set_cell(sheet, row: int, column: int, value: Any):
    """Write one typed cell; text stays text even when it starts with ``=``."""
    stored, number_format = typed_value(value)
    cell = sheet.cell(row=row, column=column, value=stored)
    neutralise(cell)
    if number_format:
        cell.number_format = number_format
    return cell


def escape_formulas(sheet, *, min_row: int = 1) -> None:
    """Make every formula-looking text cell of ``sheet`` from ``min_row`` on plain text.

    Called before a writer adds its own formulas (totals), which it writes after."""
    for row in sheet.iter_rows(min_row=min_row):
        for cell in row:
            neutralise(cell)


def _width(value: Any) -> int:
    text = value.strftime("%Y-%m-%d %H:%M") if isinstance(value, dt.datetime) else str(value)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def write_table(sheet, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A header row (bold, shaded, frozen) and typed rows; columns sized to their content."""
    widths = write_header(sheet, headers)
    write_rows(sheet, rows, start_row=2, widths=widths)
    finish_table(sheet, widths)


def write_header(sheet, headers: Sequence[str]) -> list[int]:
    """The header row (bold, shaded); answers the columns' widths so far. A table written in
    chunks is ``write_header``, ``write_rows`` per chunk, then ``finish_table``."""
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=column, value=plain_text(header))
        neutralise(cell)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8EEF7")
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    return [_width(h) for h in headers]


def write_rows(sheet, rows: Iterable[Sequence[Any]], *, start_row: int, widths: list[int]) -> int:
    """Typed rows from ``start_row`` on, widening ``widths``; answers the next free row."""
    row_number = start_row
    for row in rows:
        for column, value in enumerate(row, start=1):
            cell = set_cell(sheet, row_number, column, value)
            if column <= len(widths) and cell.value is not None:
                widths[column - 1] = max(widths[column - 1], _width(cell.value))
        row_number += 1
    return row_number


def finish_table(sheet, widths: Sequence[int]) -> None:
    """Columns sized to their content, the header row frozen."""
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 60)
    sheet.freeze_panes = "A2"


def table_xlsx(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """One sheet named ``title`` holding the table, as XLSX bytes."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(title)
    write_table(sheet, headers, rows)
    return workbook_bytes(book)


def workbook_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def dataset_xlsx(dataset, title: str) -> bytes:
    """A tablib Dataset (an import-export export) as a typed XLSX with a named sheet."""
    return table_xlsx(title, list(dataset.headers or []), dataset)


# --- file names ------------------------------------------------------------------------------


def ascii_filename(filename: str, default_stem: str = "download") -> str:
    """The ASCII fallback of a file name: its ASCII letters, digits and ``-._`` kept."""
    stem, dot, ext = filename.rpartition(".")
    if not dot:
        stem, ext = filename, ""
    kept = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-._")
    if not re.search(r"[A-Za-z]", kept):
        kept = f"{default_stem}-{kept}" if kept else default_stem
    ext = re.sub(r"[^A-Za-z0-9]", "", ext)
    return f"{kept}.{ext}" if ext else kept


def attachment_header(filename: str, *, fallback: str | None = None, inline: bool = False) -> str:
    """``Content-Disposition`` for a download named ``filename`` (Chinese allowed): an ASCII
    ``filename="…"`` (``fallback``, or what is ASCII in the name) and RFC 5987
    ``filename*=UTF-8''…`` with the full name."""
    name = _FILE_UNSAFE.sub("_", filename).strip() or "download"
    plain = ascii_filename(fallback or name).replace('"', "")
    disposition = "inline" if inline else "attachment"
    if name.isascii():
        return f'{disposition}; filename="{name}"'
    return f"{disposition}; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"
