"""A PDF upload is checked beyond its first bytes: it must end (%%EOF) where its
cross-reference says, and must carry no script, launch action or embedded file (issue 11)."""

from __future__ import annotations

import io
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kunqu_jiafu.documents.models import Document
from kunqu_jiafu.documents.pdf import html_to_pdf
from kunqu_jiafu.documents.services import document_store, validate_upload
from kunqu_jiafu.documents.sniff import PDF, PDF_ACTIVE, PDF_DAMAGED, pdf_problem
from tests.factories import make_pdf

DAMAGED = "PDF 文件不完整或已损坏"
ACTIVE = "PDF 文件含有脚本、附件或启动程序的动作"


def _problem(data: bytes) -> str | None:
    return pdf_problem(io.BytesIO(data))


def _refusal(data: bytes) -> str:
    upload = SimpleUploadedFile("证明.pdf", data, content_type="application/pdf")
    with pytest.raises(ValidationError) as refused:
        validate_upload(upload, allowed=(PDF,), field="evidence")
    return " ".join(refused.value.message_dict["evidence"])


def test_a_well_formed_pdf_passes():
    assert _problem(make_pdf()) is None
    upload = SimpleUploadedFile("证明.pdf", make_pdf(), content_type="application/pdf")
    assert validate_upload(upload, allowed=(PDF,), field="evidence") == PDF


def test_a_pdf_the_portal_itself_renders_passes():
    # WeasyPrint's output: a real writer (object streams, compressed content).
    assert _problem(html_to_pdf("<html><body><p>测试 PDF</p></body></html>")) is None


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n",  # the first bytes only
        b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",  # no startxref
        make_pdf()[:-40],  # cut short: no %%EOF
        make_pdf().replace(b"startxref\n110", b"startxref\n999999"),  # points past the end
        make_pdf().replace(b"startxref\n110", b"startxref\n12"),  # points at no xref
        make_pdf() + b"\0" * 4096,  # %%EOF far from the end: something was appended
        b"%PDF-1.4\n" + b"A" * 200 + b"\nstartxref\n1\n%%EOF\n",
    ],
    ids=[
        "header-only",
        "no-startxref",
        "truncated",
        "xref-past-end",
        "xref-wrong",
        "appended",
        "junk",
    ],
)
def test_a_damaged_or_fake_pdf_is_refused_with_a_clear_message(data):
    assert _problem(data) == PDF_DAMAGED
    assert DAMAGED in _refusal(data)


@pytest.mark.parametrize(
    "data",
    [
        make_pdf(b"<< /S /JavaScript /JS (app.alert(1)) >>", catalog=b"/OpenAction 3 0 R"),
        make_pdf(b"<< /S /J#61vaScript /JS (app.alert(1)) >>"),  # a hex-escaped name
        make_pdf(b"<< /S /Launch /F (cmd.exe) >>"),
        make_pdf(b"<< /Type /EmbeddedFile /Length 0 >>\nstream\n\nendstream"),
        make_pdf(b"<< /Names [] >>", catalog=b"/Names << /EmbeddedFiles 3 0 R >>"),
    ],
    ids=["javascript", "escaped-javascript", "launch", "embedded-file", "embedded-files"],
)
def test_a_pdf_with_scripts_actions_or_attachments_is_refused(data):
    assert _problem(data) == PDF_ACTIVE
    assert ACTIVE in _refusal(data)


def _object_stream(content: bytes) -> bytes:
    packed = zlib.compress(content)
    return (
        b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n" % len(packed)
        + packed
        + b"\nendstream"
    )


def test_a_script_hidden_in_a_compressed_object_stream_is_found():
    hidden = make_pdf(_object_stream(b"4 0 << /S /JavaScript /JS (app.alert(1)) >>"))
    assert b"JavaScript" not in hidden  # not readable without inflating
    assert _problem(hidden) == PDF_ACTIVE
    harmless = make_pdf(_object_stream(b"4 0 << /Type /Font /Subtype /Type1 >>"))
    assert _problem(harmless) is None


def test_an_object_stream_that_inflates_past_the_budget_is_refused(monkeypatch):
    monkeypatch.setattr("kunqu_jiafu.documents.sniff._INFLATE_BUDGET", 1000)
    bomb = make_pdf(_object_stream(b" " * 100_000))
    assert _problem(bomb) == PDF_ACTIVE


@pytest.mark.django_db
def test_a_refused_pdf_is_not_stored():
    upload = SimpleUploadedFile("x.pdf", make_pdf(b"<< /S /Launch >>"), "application/pdf")
    with pytest.raises(ValidationError):
        document_store(upload, allowed=(PDF,), field="file")
    assert Document.objects.count() == 0


@pytest.mark.django_db
def test_a_pdf_the_portal_issues_itself_is_stored_without_inspection():
    # The portal's renderer is trusted (tests stand in for it with bare bytes); its type and
    # size are still checked.
    issued = SimpleUploadedFile("notice.pdf", b"%PDF-1.4\n<p>notice</p>", "application/pdf")
    document = document_store(issued, allowed=(PDF,), field="file", issued=True)
    assert document.content_type == PDF


def test_many_unterminated_streams_are_read_once_not_once_per_stream():
    """A small PDF of "stream" markers without "endstream" used to make the scan search to the
    file's end from each of them (time growing with the square of the size: 280 KB took 51 s;
    this file would take minutes). Each end is now found by one forward search."""
    hostile = make_pdf(b"stream\n" * 50_000)
    assert _problem(hostile) is None  # nothing active in it; what matters is that it returns


def test_a_zip_with_a_broken_name_is_not_a_workbook_and_not_a_500():
    """A zip entry flagged UTF-8 whose name is not UTF-8 makes zipfile raise ValueError."""
    from kunqu_jiafu.documents.sniff import sniff

    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    data = bytearray(buffer.getvalue())
    # Set the UTF-8 flag (bit 11) on every central-directory entry and break one name's bytes.
    offset = data.find(b"PK\x01\x02")
    while offset >= 0:
        data[offset + 8] |= 0x08
        data[offset + 9] |= 0x08
        offset = data.find(b"PK\x01\x02", offset + 4)
    name_at = data.rfind(b"xl/workbook.xml")
    data[name_at] = 0xFF
    assert sniff(io.BytesIO(bytes(data))) is None
