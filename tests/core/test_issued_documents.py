"""Issued documents are kept once (issue 10: "Store every issued document once (numbered,
immutable, with its verification code) through the documents service"): rendered the first
time, served from storage afterwards, restored from the record when storage lost the file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage

from kunqu_jiafu.documents import pdf, services
from kunqu_jiafu.documents.models import Document, IssuedDocument, NoticeSequence, Verification
from kunqu_jiafu.documents.verification import format_code
from tests.core.test_pdf import pdf_text, sample_context


@pytest.fixture
def subject(db):
    # Any model can be the subject of an issued document; the core's own keeps the test local.
    return NoticeSequence.objects.create(series="测试", year=2026)


@pytest.fixture
def renders(monkeypatch):
    """Count real renders (the engine still runs: the stored bytes are a real PDF)."""
    calls = []
    real = pdf.render_pdf

    def counting(template_name, context):
        calls.append(template_name)
        return real(template_name, context)

    monkeypatch.setattr(pdf, "render_pdf", counting)
    return calls


def draft(number: str = "昆人社测〔2026〕0001号") -> services.DocumentDraft:
    return services.DocumentDraft(
        template="documents/sample_notice.html",
        context=sample_context(notice_number=number),
        filename=f"{number}.pdf",
        kind="测试通知书",
        number=number,
        agency="甲家政服务有限公司",
        amount=Decimal("100000.00"),
        issued_on=dt.date(2026, 11, 29),
        purpose="test",
    )


def test_a_document_is_rendered_once_then_served_from_storage(subject, renders, tmp_path):
    drafts = []

    def make():
        drafts.append(1)
        return draft()

    issued, first = services.document_issue(subject, draft=make)
    again, second = services.document_issue(subject, draft=make)

    assert renders == ["documents/sample_notice.html"] and len(drafts) == 1
    assert first == second and first.startswith(b"%PDF")
    assert again.pk == issued.pk and IssuedDocument.objects.count() == 1
    assert issued.document.size == len(first) and issued.document.owner == subject
    # The stored PDF carries the code that /verify/ knows, with the document's facts.
    code = Verification.objects.get(subject_id=str(subject.pk))
    assert issued.verification == code and code.number == "昆人社测〔2026〕0001号"
    assert format_code(code.code) in pdf_text(first, tmp_path)


def test_a_new_edition_is_rendered_once_and_keeps_the_code(subject, renders):
    first, _ = services.document_issue(subject, draft=draft, edition="issued")
    paid, _ = services.document_issue(subject, draft=draft, edition="paid")
    services.document_issue(subject, draft=draft, edition="paid")
    services.document_issue(subject, draft=draft, edition="issued")

    assert len(renders) == 2
    assert first.pk != paid.pk and first.document_id != paid.document_id
    assert first.verification_id == paid.verification_id


def test_a_record_whose_file_storage_lost_is_rendered_again_with_its_code(subject, renders):
    issued, _ = services.document_issue(subject, draft=draft)
    lost_name = issued.document.file.name
    default_storage.delete(lost_name)  # a database restored without its media folder

    restored, content = services.document_issue(subject, draft=draft)

    assert content.startswith(b"%PDF") and len(renders) == 2
    assert restored.pk == issued.pk and restored.verification_id == issued.verification_id
    assert restored.document.file.name != lost_name
    assert default_storage.exists(restored.document.file.name)
    assert not Document.objects.filter(pk=issued.document_id).exists()
    assert services.issued_pdf(subject, draft=draft) == content and len(renders) == 2


def test_two_first_downloads_at_once_keep_one_document(subject, monkeypatch):
    """The request that stores second serves the first one's file; nothing is kept twice."""
    real = pdf.render_pdf
    calls = []

    def racing(template_name, context):
        calls.append(template_name)
        if len(calls) == 1:  # while this render runs, another request issues the document
            services.document_issue(subject, draft=draft)
        return real(template_name, context)

    monkeypatch.setattr(pdf, "render_pdf", racing)

    issued, content = services.document_issue(subject, draft=draft)

    assert len(calls) == 2
    assert IssuedDocument.objects.count() == 1 and Document.objects.count() == 1
    assert content == issued.document.file.open("rb").read()
