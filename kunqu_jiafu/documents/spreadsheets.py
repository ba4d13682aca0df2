"""Spreadsheet import helpers shared by every importer (workers, training rosters …).

Reading: ``read_rows`` takes an uploaded .xlsx or .csv (UTF-8 or GBK/GB18030, sniffed by
content, never trusted by name) and returns (Excel row number, {column: cell}) for each
non-empty row; a file-level problem raises ``ValidationError({"file": ...})``.
Widgets (django-import-export widgets): one cell to one Python value, ``ValueError`` with a
message naming the fix. Full-width characters, stray spaces, Excel date serials and text
dates are normalised here once. Template helpers style a header row and add 是/否 lists.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import widgets
from openpyxl import load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from kunqu_jiafu.documents.sniff import LABELS, XLSX, sniff
from kunqu_jiafu.people.idcard import ParsedId, normalize, parse_id_number
from kunqu_jiafu.people.phone import normalize_phone

YES, NO = "是", "否"


@dataclass(frozen=True)
class RowError:
    row: int  # as Excel shows it; the header is row 1
    field: str  # the Chinese column name
    message: str


# --- widgets: one Excel cell -> one Python value; ValueError carries the message ---------


def cell_text(value: Any) -> str:
    """A cell as text: whole floats lose their '.0', full-width characters fold."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


class TextWidget(widgets.CharWidget):
    def __init__(self, max_length: int):
        super().__init__(allow_blank=True)
        self.max_length = max_length

    def clean(self, value, row=None, **kwargs) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = " ".join(str(value).split())
        if len(text) > self.max_length:
            raise ValueError(
                _("Too long: at most %(max)s characters are allowed; please shorten it.")
                % {"max": self.max_length}
            )
        return text


class PhoneWidget(widgets.CharWidget):
    """One rule for every phone number: kunqu_jiafu.people.phone."""

    def clean(self, value, row=None, **kwargs) -> str:
        text = cell_text(value)  # a number cell 13947201234.0 loses its ".0"
        try:
            return normalize_phone(text)
        except ValidationError as exc:
            raise ValueError(f"“{text}”：{' '.join(exc.messages)}") from None


class IdNumberWidget(widgets.Widget):
    """Returns the parsed number; full-width digits and a lower-case x are normalised."""

    def clean(self, value, row=None, **kwargs) -> ParsedId | None:
        if isinstance(value, float):
            # Excel keeps 15 significant digits: an 18-digit number typed into a number
            # cell has already lost its tail.
            raise ValueError(
                _(
                    "Excel stored this ID number as a number and lost its last digits; set the "
                    "column to text format and type the ID number again."
                )
            )
        text = normalize(str(value)) if value is not None else ""
        if not text:
            return None
        try:
            return parse_id_number(text)
        except ValidationError as exc:
            raise ValueError(" ".join(exc.messages)) from None


class ExcelDateWidget(widgets.DateWidget):
    """Excel date cells, serial numbers, 2024-01-05, 2024/1/5, 2024.1.5, 2024年1月5日, 20240105."""

    _DATE_RE = re.compile(
        r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
        r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
    )

    def clean(self, value, row=None, **kwargs) -> dt.date | None:
        if value is None or value == "":
            return None
        if isinstance(value, dt.datetime):
            return self._checked(value.date())
        if isinstance(value, dt.date):
            return self._checked(value)
        if isinstance(value, bool):
            raise self._error(value)
        if isinstance(value, int | float):
            if float(value).is_integer() and 19000101 <= value <= 21001231:
                return self._from_digits(str(int(value)), value)
            if 1 <= value < 2958466:  # an Excel serial day number in a non-date cell
                return self._checked(from_excel(value).date())
            raise self._error(value)
        text = cell_text(value)
        if not text:
            return None
        if re.fullmatch(r"\d{8}", text):
            return self._from_digits(text, value)
        if re.fullmatch(r"\d{5}", text):  # a serial day number that went through text (CSV)
            return self._checked(from_excel(int(text)).date())
        match = self._DATE_RE.match(text)
        if not match:
            raise self._error(value)
        try:
            return self._checked(dt.date(*(int(part) for part in match.groups())))
        except ValueError:
            raise self._error(value) from None

    def _from_digits(self, digits: str, original) -> dt.date:
        try:
            return self._checked(dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:])))
        except ValueError:
            raise self._error(original) from None

    def _checked(self, value: dt.date) -> dt.date:
        if not 1900 <= value.year <= 2100:
            raise self._error(value.isoformat())
        return value

    @staticmethod
    def _error(value) -> ValueError:
        return ValueError(
            _("“%(value)s” is not a date; please enter it like 2024-01-05.") % {"value": value}
        )


class YesNoWidget(widgets.BooleanWidget):
    TRUE_TEXT = {"是", "Y", "YES", "1", "TRUE", "√", "有"}
    FALSE_TEXT = {"否", "N", "NO", "0", "FALSE", "×", "无"}

    def clean(self, value, row=None, **kwargs) -> bool | None:
        if isinstance(value, bool):
            return value
        text = cell_text(value).upper()
        if not text:
            return None
        if text in self.TRUE_TEXT:
            return True
        if text in self.FALSE_TEXT:
            return False
        raise ValueError(
            _("“%(value)s” is not understood; please enter %(yes)s or %(no)s.")
            % {"value": value, "yes": YES, "no": NO}
        )


# --- reading the file ------------------------------------------------------------------


def file_error(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


def normalise_header(value: Any) -> str:
    return unicodedata.normalize("NFKC", str(value or "")).strip().strip("*").strip()


def _read_xlsx(uploaded_file, sheet_title: str, max_rows: int) -> list[tuple[Any, ...]]:
    try:
        workbook = load_workbook(uploaded_file, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged archive
        raise file_error(
            _(
                "The Excel file could not be read; it may be damaged. Please save it again as "
                ".xlsx and upload it."
            )
        ) from None
    try:
        sheet = (
            workbook[sheet_title] if sheet_title in workbook.sheetnames else workbook.worksheets[0]
        )
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append(values)
            if len(rows) > max_rows + 1 and any(v not in (None, "") for v in values):
                break
        return rows
    except Exception:
        raise file_error(
            _(
                "The Excel file could not be read; it may be damaged. Please save it again as "
                ".xlsx and upload it."
            )
        ) from None
    finally:
        workbook.close()


def _read_csv(data: bytes) -> list[tuple[Any, ...]]:
    if b"\x00" in data:
        raise file_error(_("This file is not a CSV text file; please upload the Excel template."))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise file_error(
            _(
                "The CSV file could not be read as text; please save it as CSV (UTF-8) and upload "
                "it again."
            )
        )
    return [tuple(record) for record in csv.reader(io.StringIO(text, newline=""))]


def _file_size(uploaded_file) -> int:
    size = getattr(uploaded_file, "size", None)
    if size is not None:
        return size
    position = uploaded_file.tell()
    uploaded_file.seek(0, io.SEEK_END)
    size = uploaded_file.tell()
    uploaded_file.seek(position)
    return size


def read_rows(
    uploaded_file,
    *,
    headers: Iterable[str],
    required: Iterable[str],
    sheet_title: str,
    max_rows: int,
    max_bytes: int,
    too_many_rows: str,
    no_rows: str,
) -> list[tuple[int, dict[str, Any]]]:
    """(Excel row number, {column: cell}) for every non-empty data row; file problems raise.
    The header is row 1."""
    return read_sheet(
        uploaded_file,
        headers=headers,
        required=required,
        sheet_title=sheet_title,
        max_rows=max_rows,
        max_bytes=max_bytes,
        too_many_rows=too_many_rows,
        no_rows=no_rows,
    ).rows


@dataclass
class Sheet:
    header_row: int  # as Excel shows it
    rows: list[tuple[int, dict[str, Any]]]  # (Excel row number, {known column: cell})
    ignored: list[str]  # header cells of columns the importer does not know


def _header_key(value: Any) -> str:
    """A header cell compared loosely: no spaces inside ("姓 名"), no "*", no "(必填)"."""
    text = "".join(normalise_header(value).split())
    for suffix in ("(必填)", "(选填)", "(可选)"):
        text = text.removesuffix(suffix)
    return text.strip("*")


def _header_positions(
    cells: tuple[Any, ...], known: dict[str, str]
) -> tuple[dict[str, list[int]], list[str]]:
    positions: dict[str, list[int]] = {}
    ignored: list[str] = []
    for index, value in enumerate(cells):
        header = known.get(_header_key(value))
        if header is not None:
            positions.setdefault(header, []).append(index)
        elif normalise_header(value):
            ignored.append(normalise_header(value))
    return positions, ignored


def read_sheet(
    uploaded_file,
    *,
    headers: Iterable[str],
    required: Iterable[str],
    sheet_title: str,
    max_rows: int,
    max_bytes: int,
    too_many_rows: str,
    no_rows: str,
    aliases: dict[str, str] | None = None,
    header_scan: int = 1,
) -> Sheet:
    """Like ``read_rows``, for files as people keep them: the header row is looked for in the
    first ``header_scan`` rows (the row naming most known columns; title rows above it are
    skipped), ``aliases`` map other spellings to the known headers, and header cells nobody
    knows are reported in ``ignored`` rather than read."""
    if _file_size(uploaded_file) > max_bytes:
        raise file_error(
            _("The file is larger than %(size)s MB; please split it into smaller files.")
            % {"size": max_bytes // (1024 * 1024)}
        )
    uploaded_file.seek(0)
    kind = sniff(uploaded_file)
    name = (getattr(uploaded_file, "name", "") or "").lower()
    if kind == XLSX:
        table = _read_xlsx(uploaded_file, sheet_title, max_rows + header_scan - 1)
    elif kind is None and name.endswith(".csv"):
        uploaded_file.seek(0)
        table = _read_csv(uploaded_file.read())
    else:
        uploaded_file.seek(0)
        if uploaded_file.read(8).startswith(b"\xd0\xcf\x11\xe0"):
            raise file_error(
                _(
                    "This is an old-format Excel file (.xls); please save it as .xlsx (Excel "
                    "Workbook) and upload it again."
                )
            )
        if kind is None:
            raise file_error(
                _(
                    "This file is not an Excel workbook (.xlsx) or a CSV file; please download "
                    "the template, fill it in and upload it."
                )
            )
        raise file_error(
            _(
                "This file is a %(kind)s, not an Excel workbook (.xlsx) or a CSV file; please "
                "download the template, fill it in and upload it."
            )
            % {"kind": LABELS[kind]}
        )

    if not table or not any(v not in (None, "") for v in table[0]) and header_scan <= 1:
        raise file_error(_("The sheet is empty; the first row must be the template's header row."))
    known = {_header_key(h): h for h in headers}
    known |= {_header_key(alias): h for alias, h in (aliases or {}).items()}
    required = list(required)
    best = (0, 0)  # (known columns, index); the first row wins a tie
    for index, cells in enumerate(table[: max(header_scan, 1)]):
        positions, _ignored = _header_positions(cells, known)
        score = len(positions)
        if score > best[0]:
            best = (score, index)
    header_index = best[1]
    positions, ignored = _header_positions(table[header_index] if table else (), known)
    for header, indexes in positions.items():
        if len(indexes) > 1:
            raise file_error(
                _("The column %(column)s appears twice in the header row; please keep only one.")
                % {"column": header}
            )
    missing = [h for h in required if h not in positions]
    if missing:
        if header_scan <= 1:
            raise file_error(
                _(
                    "The header row (row 1) is missing these columns: %(columns)s. Please use "
                    "the template and keep its header row unchanged."
                )
                % {"columns": "、".join(missing)}
            )
        raise file_error(
            _(
                "No header row with the columns %(columns)s was found in the first %(rows)s rows. "
                "Please keep one header row with these column names (the template's header row) "
                "above the data."
            )
            % {"columns": "、".join(missing), "rows": header_scan}
        )

    columns = {h: indexes[0] for h, indexes in positions.items()}
    rows: list[tuple[int, dict[str, Any]]] = []
    first = header_index + 1
    for number, values in enumerate(table[first:], start=first + 1):
        if not any(v not in (None, "") and str(v).strip() for v in values):
            continue
        if len(rows) >= max_rows:
            raise file_error(too_many_rows % {"max": max_rows})
        rows.append(
            (number, {h: values[i] if i < len(values) else None for h, i in columns.items()})
        )
    if not rows:
        raise file_error(no_rows)
    return Sheet(header_row=header_index + 1, rows=rows, ignored=ignored)


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
