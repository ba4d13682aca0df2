"""Hostile spreadsheets, built tiny in memory, for the tests of the import guard.

Each is a real workbook (written by openpyxl, so it passes the type sniffing) with one part
rewritten: a declared range of a million rows, a shared-strings part that unpacks a thousand
times larger, thousands of members, a member that lies about its size.
"""

from __future__ import annotations

import io
import struct
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"


def workbook_bytes(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite(data: bytes, parts: dict, extra: int = 0) -> bytes:
    """The workbook with ``parts`` replaced (bytes, or a function of the old bytes) and
    ``extra`` tiny members added."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as old,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for info in old.infolist():
            content = old.read(info)
            change = parts.get(info.filename)
            if change is not None:
                content = change(content) if callable(change) else change
            new.writestr(info.filename, content)
        for name, content in parts.items():
            if name not in old.namelist():
                new.writestr(name, content)
        for index in range(extra):
            new.writestr(f"xl/media/pad{index}.bin", b"")
    return out.getvalue()


def _dimension(ref: str):
    def change(xml: bytes) -> bytes:
        start = xml.index(b"<dimension")
        end = xml.index(b">", start) + 1
        return xml[:start] + f'<dimension ref="{ref}"/>'.encode() + xml[end:]

    return change


def declared_range(rows, ref: str = "A1:XFD1048576") -> bytes:
    """A small sheet whose <dimension> declares ``ref`` (openpyxl pads every row to it)."""
    return rewrite(workbook_bytes(rows), {SHEET: _dimension(ref)})


def far_row(rows, number: int = 1048576) -> bytes:
    """A small sheet with one more, empty, row at ``number`` and no <dimension> at all."""

    def change(xml: bytes) -> bytes:
        xml = _dimension("A1")(xml).replace(b'<dimension ref="A1"/>', b"")
        return xml.replace(b"</sheetData>", f'<row r="{number}"/></sheetData>'.encode())

    return rewrite(workbook_bytes(rows), {SHEET: change})


def far_column(rows, ref: str = "XFD1") -> bytes:
    """A small sheet with one cell far to the right (openpyxl pads each row up to it)."""

    def change(xml: bytes) -> bytes:
        cell = f'<c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row>'.encode()
        return _dimension("A1")(xml).replace(b"</row>", cell, 1)

    return rewrite(workbook_bytes(rows), {SHEET: change})


def shared_strings_bomb(rows, megabytes: int = 2) -> bytes:
    """A shared-strings part of ``megabytes`` of one repeated string: packs ~1000 times."""
    item = b"<si><t>" + b"A" * 1000 + b"</t></si>"
    count = megabytes * 1024 * 1024 // len(item)
    sst = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        + f'count="{count}" uniqueCount="{count}">'.encode()
        + item * count
        + b"</sst>"
    )
    return rewrite(workbook_bytes(rows), {"xl/sharedStrings.xml": sst})


def many_members(rows, count: int = 2000) -> bytes:
    return rewrite(workbook_bytes(rows), {}, extra=count)


def lying_member(rows, extra_rows: int = 20000) -> bytes:
    """The sheet part holds ``extra_rows`` rows but its headers say it unpacks to 1 KB."""

    def change(xml: bytes) -> bytes:
        filler = b"".join(f'<row r="{n}"/>'.encode() for n in range(100, 100 + extra_rows))
        return _dimension("A1")(xml).replace(b"</sheetData>", filler + b"</sheetData>")

    data = bytearray(rewrite(workbook_bytes(rows), {SHEET: change}))
    name = SHEET.encode()
    # Local header: size at offset 22; central directory entry: size at offset 24.
    for signature, offset, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = data.find(signature)
        while at >= 0:
            if data[at + name_at : at + name_at + len(name)] == name:
                struct.pack_into("<I", data, at + offset, 1024)
            at = data.find(signature, at + 4)
    return bytes(data)


def upload(data: bytes, name: str = "list.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def csv_rows(count: int, header: str = "姓名,身份证号", line: str = "王芳,x") -> bytes:
    return ("\n".join([header] + [line] * count) + "\n").encode()
