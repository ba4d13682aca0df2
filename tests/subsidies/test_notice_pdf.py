"""The real notices: rendered by WeasyPrint on commit, read back as text."""

from __future__ import annotations

import subprocess

from subsidies import services
from subsidies.models import Notice
from tests.subsidies import core_builders as b


def _text(notice: Notice, tmp_path) -> str:
    path = tmp_path / "notice.pdf"
    with notice.document.file.open("rb") as handle:
        path.write_bytes(handle.read())
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return "".join(out.stdout.split())


def test_approval_renders_a_pdf_with_name_number_and_amount_in_capitals(
    agency_a, org_a, reviewer, approver, tmp_path, django_capture_on_commit_callbacks
):
    b.fund(approver, "1000000")
    with django_capture_on_commit_callbacks(execute=True):
        claim = b.approved(agency_a, org_a, reviewer, approver, amount="3000.05")
    notice = Notice.objects.get(claim=claim, kind=Notice.Kind.APPROVAL)
    assert notice.document is not None and notice.document.content_type == "application/pdf"
    text = _text(notice, tmp_path)
    assert org_a.name in text
    assert notice.number in text
    assert "3,000.05" in text
    assert "人民币叁仟元零伍分" in text


def test_rejection_renders_a_pdf_with_the_reason(
    agency_a, org_a, reviewer, tmp_path, django_capture_on_commit_callbacks
):
    claim = b.submitted(agency_a, org_a)
    with django_capture_on_commit_callbacks(execute=True):
        b.move(reviewer, claim, "reject", reason="利息回单与贷款合同不符")
    notice = Notice.objects.get(claim=claim, kind=Notice.Kind.REJECTION)
    text = _text(notice, tmp_path)
    assert "不予通过告知书" in text
    assert "利息回单与贷款合同不符" in text
    assert notice.number in text


def test_regenerating_keeps_the_number_and_replaces_the_file(
    agency_a, org_a, reviewer, approver, tmp_path, django_capture_on_commit_callbacks
):
    b.fund(approver, "1000000")
    with django_capture_on_commit_callbacks(execute=True):
        claim = b.approved(agency_a, org_a, reviewer, approver)
    first = Notice.objects.get(claim=claim)
    again = services.notice_render(first.pk)
    assert again.number == first.number
    assert again.document_id != first.document_id
    assert first.number in _text(again, tmp_path)
    assert Notice.objects.filter(claim=claim).count() == 1
