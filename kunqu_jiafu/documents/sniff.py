"""Tell a file's real type from its first bytes, never from its name or header."""

from __future__ import annotations

import re
import zipfile
import zlib

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png", XLSX: ".xlsx"}
LABELS = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG", XLSX: "Excel (.xlsx)"}


def sniff(fileobj) -> str | None:
    pos = fileobj.tell() if hasattr(fileobj, "tell") else 0
    head = fileobj.read(8)
    fileobj.seek(pos)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(fileobj) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
            # Damaged or hostile archives (a non-UTF-8 name flagged UTF-8 raises ValueError):
            # not a workbook, refused with the "not what it says" message, never a 500.
            return None
        finally:
            fileobj.seek(pos)
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return XLSX
    return None


# --- PDF structure and active content ---------------------------------------------------------

PDF_DAMAGED = "damaged"
PDF_ACTIVE = "active"

# Names that make a PDF act: run scripts, start programs, carry other files or media. (A
# script's /JS key always comes with /S /JavaScript; names this long do not turn up by chance
# in an image's bytes, so the whole file is read for them.)
_ACTIVE_NAMES = {b"JavaScript", b"Launch", b"EmbeddedFile", b"EmbeddedFiles", b"RichMedia"}
_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF", re.S)
_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b")
_STREAM_START = re.compile(rb"(?<!end)stream\r?\n")
_TAIL = 1024  # %%EOF must be this close to the end (some writers add a little after it)
_INFLATE_BUDGET = 64 * 1024 * 1024  # bytes all compressed streams together may inflate to


def pdf_problem(fileobj) -> str | None:
    """Why an uploaded PDF is refused, or None. Beyond its first bytes: its end (``%%EOF``)
    must be there, ``startxref`` must point at a cross-reference table or stream, and no
    object, compressed in an object stream or not, may name JavaScript, a launch action or an embedded file."""
    pos = fileobj.tell() if hasattr(fileobj, "tell") else 0
    fileobj.seek(0)
    data = fileobj.read()
    fileobj.seek(pos)
    if not re.match(rb"%PDF-[12]\.\d", data):
        return PDF_DAMAGED
    tail = data[-_TAIL:]
    found = list(_STARTXREF.finditer(tail))
    if not found:
        return PDF_DAMAGED
    offset = int(found[-1].group(1))
    target = data[offset : offset + 64].lstrip()
    if not (0 < offset < len(data) and (target.startswith(b"xref") or _OBJECT.match(target))):
        return PDF_DAMAGED
    # Names are read in the whole file and inside the compressed object streams, where a
    # writer may have put the dictionaries.
    if _names_active(data) or any(_names_active(chunk) for chunk in _object_streams(data)):
        return PDF_ACTIVE
    return None


def _names_active(data: bytes) -> bool:
    for match in _NAME.finditer(data):
        name = _HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))
        if name in _ACTIVE_NAMES:
            return True
    return False


def _object_streams(data: bytes):
    """The content of the object streams (``/Type /ObjStm``, Flate-compressed), within a
    budget so that a compression bomb cannot exhaust memory: past it the file is refused."""
    budget = _INFLATE_BUDGET
    # Each stream's end is found with one forward search that stops at the file's end: a
    # regular expression searching for "endstream" from every "stream" took time growing with
    # the square of the file (a 280 KB file of unterminated streams: 51 s).
    for match in _STREAM_START.finditer(data):
        end = data.find(b"endstream", match.end())
        if end < 0:
            break
        body = data[match.end() : end]
        head = data[max(0, match.start() - 2048) : match.start()]
        head = head[head.rfind(b"obj") :]
        if b"/ObjStm" not in _HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), head):
            continue
        inflater = zlib.decompressobj()
        try:
            chunk = inflater.decompress(body, budget)
        except zlib.error:
            yield b"/JavaScript"  # an object stream we cannot read: refuse, not pass unread
            return
        budget -= len(chunk)
        if budget <= 0 or inflater.unconsumed_tail:
            yield b"/JavaScript"  # too much to inspect: refuse rather than pass unread
            return
        yield chunk
