"""Reading an uploaded spreadsheet for the import pipeline.

``read_sheet(uploaded_file, spec)`` takes an .xlsx or a .csv (UTF-8 or GBK/GB18030, sniffed by
content, never trusted by name), finds the header row (the row naming most known columns in
the spec's first ``header_scan`` rows; title rows above it are skipped; aliases and loose
spellings such as "姓 名" or "姓名*" are accepted) and returns every non-empty data row as
(Excel row number, {known column: cell}). A file-level problem raises
``ValidationError({"file": ...})`` with a message naming the fix.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from kunqu_jiafu.documents.sniff import LABELS, XLSX, sniff

from .guard import check_upload
from .limits import Progress
from .spec import ImportSpec


def file_error(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


def normalise_header(value: Any) -> str:
    return unicodedata.normalize("NFKC", str(value or "")).strip().strip("*").strip()


def _read_xlsx(
    uploaded_file, sheet_title: str, max_rows: int, progress: Progress | None = None
) -> list[tuple[Any, ...]]:
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
        total = min(sheet.max_row or 0, max_rows + 1)
        for values in sheet.iter_rows(values_only=True):
            rows.append(values)
            if progress is not None:
                progress(len(rows), max(total, len(rows)))
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


def read_sheet(uploaded_file, spec: ImportSpec, progress: Progress | None = None) -> Sheet:
    """The spec's columns of every non-empty data row; file problems raise. ``progress``
    hears (rows read, rows declared) while the sheet is read."""
    table = _load_table(uploaded_file, spec, progress)
    known = {_header_key(h): h for h in spec.headers}
    known |= {_header_key(alias): h for alias, h in spec.aliases.items()}
    header_index = _find_header_row(table, known, spec.header_scan)
    positions, ignored = _header_positions(table[header_index] if table else (), known)
    _check_header(positions, spec)
    columns = {h: indexes[0] for h, indexes in positions.items()}
    rows: list[tuple[int, dict[str, Any]]] = []
    first = header_index + 1
    for number, values in enumerate(table[first:], start=first + 1):
        if not any(v not in (None, "") and str(v).strip() for v in values):
            continue
        if len(rows) >= spec.max_rows:
            raise file_error(str(spec.too_many_rows) % {"max": spec.max_rows})
        rows.append(
            (number, {h: values[i] if i < len(values) else None for h, i in columns.items()})
        )
    if not rows:
        raise file_error(str(spec.no_rows))
    return Sheet(header_row=header_index + 1, rows=rows, ignored=ignored)


def screen_upload(uploaded_file, spec: ImportSpec) -> str | None:
    """Refuse, before anything parses it, a file too large, of another kind, or hostile
    (``guard``); cheap enough to run while the upload request waits. The sniffed kind: XLSX,
    or None for a CSV."""
    if _file_size(uploaded_file) > spec.max_bytes:
        raise file_error(
            _("The file is larger than %(size)s MB; please split it into smaller files.")
            % {"size": spec.max_bytes // (1024 * 1024)}
        )
    uploaded_file.seek(0)
    kind = sniff(uploaded_file)
    check_upload(uploaded_file, kind, spec)  # a hostile file is refused before it is parsed
    name = (getattr(uploaded_file, "name", "") or "").lower()
    if not (kind == XLSX or (kind is None and name.endswith(".csv"))):
        raise _wrong_kind(uploaded_file, kind)
    return kind


def _load_table(
    uploaded_file, spec: ImportSpec, progress: Progress | None = None
) -> list[tuple[Any, ...]]:
    """The sheet's cells, row by row, from an .xlsx or a .csv; anything else is refused."""
    kind = screen_upload(uploaded_file, spec)
    if kind == XLSX:
        table = _read_xlsx(
            uploaded_file, spec.sheet_title, spec.max_rows + spec.header_scan - 1, progress
        )
    else:
        uploaded_file.seek(0)
        table = _read_csv(uploaded_file.read())
        if progress is not None:
            progress(len(table), len(table))
    if not table or not any(v not in (None, "") for v in table[0]) and spec.header_scan <= 1:
        raise file_error(_("The sheet is empty; the first row must be the template's header row."))
    return table


def _wrong_kind(uploaded_file, kind: str | None) -> ValidationError:
    uploaded_file.seek(0)
    if uploaded_file.read(8).startswith(b"\xd0\xcf\x11\xe0"):
        return file_error(
            _(
                "This is an old-format Excel file (.xls); please save it as .xlsx (Excel "
                "Workbook) and upload it again."
            )
        )
    if kind is None:
        return file_error(
            _(
                "This file is not an Excel workbook (.xlsx) or a CSV file; please download "
                "the template, fill it in and upload it."
            )
        )
    return file_error(
        _(
            "This file is a %(kind)s, not an Excel workbook (.xlsx) or a CSV file; please "
            "download the template, fill it in and upload it."
        )
        % {"kind": LABELS[kind]}
    )


def _find_header_row(table: list[tuple[Any, ...]], known: dict[str, str], scan: int) -> int:
    """The index of the row naming most known columns; the first row wins a tie."""
    best = (0, 0)  # (known columns, index)
    for index, cells in enumerate(table[: max(scan, 1)]):
        positions, _ignored = _header_positions(cells, known)
        if len(positions) > best[0]:
            best = (len(positions), index)
    return best[1]


def _check_header(positions: dict[str, list[int]], spec: ImportSpec) -> None:
    for header, indexes in positions.items():
        if len(indexes) > 1:
            raise file_error(
                _("The column %(column)s appears twice in the header row; please keep only one.")
                % {"column": header}
            )
    missing = [h for h in spec.file_required if h not in positions]
    if not missing:
        return
    if spec.header_scan <= 1:
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
        % {"columns": "、".join(missing), "rows": spec.header_scan}
    )
