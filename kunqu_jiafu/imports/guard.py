"""Refuse a hostile spreadsheet before any parser opens it.

A 1.6 KB .xlsx can declare ``A1:XFD1048576``, hold a shared-strings part that unpacks to
gigabytes, or put one cell at ``XFD1048576``: openpyxl then pads millions of empty rows and
columns and the worker spins for minutes. ``check_upload`` looks at the archive with
``zipfile`` only (nothing is extracted, nothing parsed as a tree): the number of members, each
member's declared size and compression ratio, the total, the parts a workbook must have; then
it streams each worksheet's XML through a bounded regular-expression scan for its declared
``<dimension>``, its ``<row>`` elements and the farthest cell reference. A CSV is scanned with
the csv module over its bytes (the separators are ASCII in UTF-8 and GB18030 alike) for its
row count, columns and cell sizes. Each refusal names the problem and the fix.

The limits are settings (``IMPORT_MAX_*``); the data rows are the spec's ``max_rows``, with
``IMPORT_SPARE_ROWS`` empty rows allowed beyond it (title rows, blank formatted rows), so a
file a little over the limit still gets the app's own "split the file" message from the reader.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.utils import column_index_from_string, get_column_letter

from kunqu_jiafu.documents.sniff import XLSX

from .spec import ImportSpec

_MB = 1024 * 1024
_CHUNK = 64 * 1024
_MAX_TAG = 64 * 1024  # no start tag of a worksheet is anywhere near this long
_RATIO_FROM = _MB  # members smaller than this are never a bomb, whatever their ratio

_TOKEN = re.compile(
    rb"<(?:[\w.-]+:)?(?P<tag>dimension|row|c)\b(?P<attrs>[^>]*)>|(?P<doctype><!DOCTYPE|<!ENTITY)"
)
_REF = re.compile(rb'\br="?(?P<col>[A-Za-z]*)(?P<row>\d*)')
_DIMENSION = re.compile(rb'\bref="(?P<ref>[^"]*)"')
_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")


@dataclass(frozen=True)
class Limits:
    rows: int  # sheet rows: the spec's data rows, its header scan and the spare rows
    data_rows: int  # what the messages name: the spec's max_rows
    columns: int
    unpacked_bytes: int
    ratio: int
    members: int

    @classmethod
    def for_spec(cls, spec: ImportSpec) -> Limits:
        return cls(
            rows=spec.max_rows + max(spec.header_scan, 1) + settings.IMPORT_SPARE_ROWS,
            data_rows=spec.max_rows,
            columns=max(settings.IMPORT_MAX_COLUMNS, len(spec.columns)),
            unpacked_bytes=settings.IMPORT_MAX_UNPACKED_MB * _MB,
            ratio=settings.IMPORT_MAX_COMPRESSION_RATIO,
            members=settings.IMPORT_MAX_ZIP_MEMBERS,
        )


def _refusal(message: str) -> ValidationError:
    """The reader's file-level error: the form shows it on the file field."""
    return ValidationError({"file": [message]})


def check_upload(uploaded_file, kind: str | None, spec: ImportSpec) -> None:
    """Raise the file's ``ValidationError`` if the .xlsx or .csv would overload the reader.

    Anything else (a PDF, an old .xls, a file of another name) is the reader's to refuse."""
    limits = Limits.for_spec(spec)
    name = (getattr(uploaded_file, "name", "") or "").lower()
    uploaded_file.seek(0)
    try:
        if kind == XLSX:
            _check_xlsx(uploaded_file, limits)
        elif kind is None and name.endswith(".csv"):
            _check_csv(uploaded_file.read(), limits)
    finally:
        uploaded_file.seek(0)


# --- .xlsx -----------------------------------------------------------------------------------


def _damaged() -> ValidationError:
    return _refusal(
        _(
            "The Excel file could not be read; it may be damaged. Please save it again as "
            ".xlsx and upload it."
        )
    )


def _too_many_rows(limits: Limits) -> ValidationError:
    return _refusal(
        _(
            "The sheet has more rows than an import allows (at most %(rows)s rows of data): "
            "please delete the extra rows, including empty rows that keep a format, save it "
            "again and upload it."
        )
        % {"rows": limits.data_rows}
    )


def _too_many_columns(column: int, limits: Limits) -> ValidationError:
    return _refusal(
        _(
            "The sheet has cells as far as column %(column)s, beyond the import limit (at most "
            "%(columns)s columns): please delete the extra columns, save it again and upload it."
        )
        % {"column": get_column_letter(min(column, 16384)), "columns": limits.columns}
    )


def _check_xlsx(uploaded_file, limits: Limits) -> None:
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            members = archive.infolist()
            _check_members(members, limits)
            names = {m.filename for m in members}
            for part in ("[Content_Types].xml", "xl/workbook.xml"):
                if part not in names:
                    raise _missing(part)
            sheets = [
                m
                for m in members
                if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml")
            ]
            if not sheets:
                raise _missing("xl/worksheets/sheet1.xml")
            for member in sheets:
                with archive.open(member) as stream:
                    _scan_sheet(stream, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
        # A bad CRC, a member longer or shorter than it says, an encrypted or odd archive.
        raise _damaged() from None
    except NotImplementedError:  # a compression method zipfile does not know
        raise _damaged() from None


def _missing(part: str) -> ValidationError:
    return _refusal(
        _(
            "The Excel file lacks its %(part)s part; it may be damaged or not made by Excel. "
            "Please save it again as .xlsx and upload it."
        )
        % {"part": part}
    )


def _check_members(members: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(members) > limits.members:
        raise _refusal(
            _(
                "The Excel file holds %(count)s parts, more than a workbook to import needs "
                "(at most %(max)s): please copy the data into the template, save it and upload "
                "it."
            )
            % {"count": len(members), "max": limits.members}
        )
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size >= _RATIO_FROM:
            ratio = member.file_size / max(member.compress_size, 1)
            if ratio > limits.ratio:
                raise _refusal(
                    _(
                        "The part %(part)s of the Excel file is compressed %(ratio)s times, far "
                        "more than a normal workbook (at most %(max)s times); the file may be "
                        "crafted to overload the system. Please copy the data into the "
                        "template, save it and upload it."
                    )
                    % {"part": member.filename, "ratio": int(ratio), "max": limits.ratio}
                )
    if total > limits.unpacked_bytes:
        raise _refusal(
            _(
                "The Excel file unpacks to %(size)s MB, more than the import limit of %(max)s "
                "MB: please delete unused sheets, pictures and formatting, or split the file, "
                "then upload it."
            )
            % {"size": -(-total // _MB), "max": limits.unpacked_bytes // _MB}
        )


def _scan_sheet(stream, limits: Limits) -> None:
    """Stream one worksheet's XML in chunks: its dimension, rows and farthest cell."""
    rows = 0
    carry = b""
    read = 0
    while True:
        chunk = stream.read(_CHUNK)
        read += len(chunk)
        if read > limits.unpacked_bytes:  # the member lied about its size
            raise _damaged()
        data = carry + chunk
        # Scan up to the last "<": a tag cut by the chunk's end is scanned with the next one.
        cut = data.rfind(b"<") if chunk else len(data)
        if cut < 0:
            cut = len(data)
        for token in _TOKEN.finditer(data, 0, cut):
            if token["doctype"]:
                raise _damaged()  # no workbook declares entities; a billion-laughs file does
            if token["tag"] == b"dimension":
                _check_dimension(token["attrs"], limits)
            elif token["tag"] == b"row":
                rows += 1
                ref = _REF.search(token["attrs"])
                if rows > limits.rows or (ref and int(ref["row"] or 0) > limits.rows):
                    raise _too_many_rows(limits)
            else:
                ref = _REF.search(token["attrs"])
                if ref and ref["col"]:
                    column = column_index_from_string(ref["col"].decode().upper()[:3])
                    if column > limits.columns:
                        raise _too_many_columns(column, limits)
                    if int(ref["row"] or 0) > limits.rows:
                        raise _too_many_rows(limits)
        carry = data[cut:]
        if len(carry) > _MAX_TAG:
            raise _damaged()
        if not chunk:
            return


def _check_dimension(attrs: bytes, limits: Limits) -> None:
    found = _DIMENSION.search(attrs)
    if not found:
        return
    ref = found["ref"].decode("ascii", "replace")
    cells = _CELL.findall(ref)
    if not cells:
        return
    last_column = max(column_index_from_string(c.upper()) for c, _r in cells)
    last_row = max(int(r) for _c, r in cells)
    if last_row > limits.rows or last_column > limits.columns:
        raise _refusal(
            _(
                "The sheet declares the range %(range)s, beyond the import limit (at most "
                "%(rows)s rows and %(columns)s columns): please delete the extra rows and "
                "columns, save it again and upload it."
            )
            % {"range": ref[:40], "rows": limits.data_rows, "columns": limits.columns}
        )


# --- .csv ------------------------------------------------------------------------------------


def _check_csv(data: bytes, limits: Limits) -> None:
    if b"\x00" in data:
        return  # not text: the reader says so
    # Latin-1 maps every byte to one character: the commas, quotes and line ends are found
    # exactly, whatever the text's real encoding (the reader decodes it).
    text = io.StringIO(data.decode("latin-1"), newline="")
    try:
        for number, record in enumerate(csv.reader(text), start=1):
            if number > limits.rows:
                raise _too_many_rows(limits)
            if len(record) > limits.columns:
                raise _refusal(
                    _(
                        "Row %(row)s of the CSV file has %(count)s columns, beyond the import "
                        "limit (at most %(columns)s columns): please delete the extra columns, "
                        "save it again and upload it."
                    )
                    % {"row": number, "count": len(record), "columns": limits.columns}
                )
    except csv.Error:
        raise _refusal(
            _(
                "The CSV file could not be read as a table (a cell is too long or a quote is not "
                "closed); please save it again as CSV (UTF-8) and upload it."
            )
        ) from None
