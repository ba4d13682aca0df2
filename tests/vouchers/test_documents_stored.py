"""Vouchers and settlement statements are issued once through the documents service (issue
10: "Store every issued document once (numbered, immutable, with its verification code)"):
the second download serves the stored PDF and renders nothing."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from kunqu_jiafu.documents import pdf
from kunqu_jiafu.documents.models import IssuedDocument, Verification
from kunqu_jiafu.documents.verification import format_code
from tests.factories import id_number
from tests.url_matrix import html_pdf
from tests.vouchers import test_documents as base
from vouchers.services import choice
from vouchers.services import settlement as settlement_services

# The fixtures of the voucher documents' tests.
batch, voucher, settlement = base.batch, base.voucher, base.settlement


@pytest.fixture
def renders(monkeypatch):
    """The templates rendered to PDF. The document's HTML stands in for the PDF, so what is
    served can be read (the real engine is tested in tests/core/test_issued_documents.py)."""
    calls = []

    def counting(template_name, context):
        calls.append(template_name)
        return html_pdf(template_name, context)

    monkeypatch.setattr(pdf, "render_pdf", counting)
    return calls


def text(content: bytes) -> str:
    return content.decode()


def test_the_second_download_of_a_statement_is_served_from_storage(
    settlement, agency_a, reviewer, client_for, renders
):
    portal = client_for(agency_a).get(f"/portal/vouchers/settlements/{settlement.pk}/pdf/")
    api = client_for(reviewer).get(f"/api/voucher-settlements/{settlement.pk}/pdf/")

    assert portal.status_code == 200 and api.status_code == 200
    assert portal.content == api.content and portal.content.startswith(b"%PDF")
    assert renders == ["vouchers/pdf/settlement.html"]
    issued = IssuedDocument.objects.get()
    assert issued.subject == settlement and issued.edition == "issued"
    assert issued.document.size == len(portal.content)


def test_a_paid_statement_is_issued_once_more_with_the_same_code(
    settlement, approver, agency_a, client_for, renders
):
    client = client_for(agency_a)
    url = f"/portal/vouchers/settlements/{settlement.pk}/pdf/"
    awaiting = client.get(url).content
    settlement_services.settlement_mark_paid(
        actor=approver, settlement=settlement, paid_on=timezone.localdate(), reference="GK-001"
    )

    paid = client.get(url).content
    again = client.get(url).content

    assert len(renders) == 2 and again == paid
    assert "GK-001" in text(paid) and "GK-001" not in text(awaiting)
    code = Verification.objects.get(subject_id=str(settlement.pk))
    assert format_code(code.code) in text(paid)
    assert format_code(code.code) in text(awaiting)
    assert IssuedDocument.objects.filter(verification=code).count() == 2


def test_a_voucher_is_printed_again_only_when_the_household_chooses_its_agency(
    batch, reviewer, org_a, client_for, renders
):
    voucher = base.issue(reviewer, batch, "王秀芝", id_number())
    client = client_for(reviewer)
    url = reverse("admin:vouchers_voucher_pdf", args=[voucher.pk])
    before = client.get(url).content
    assert client.get(url).content == before and len(renders) == 1

    choice.voucher_choose_agency(voucher=voucher, agency=org_a)
    after = client.get(f"/api/vouchers/{voucher.pk}/pdf/").content
    assert client.get(url).content == after

    assert len(renders) == 2
    assert "甲家政服务有限公司" in text(after)
    assert "甲家政服务有限公司" not in text(before)
    # /verify/ names the agency chosen, as the printed voucher does.
    code = Verification.objects.get(subject_id=str(voucher.pk)).code
    assert "甲家政服务有限公司" in client_for(None).get("/verify/", {"code": code}).content.decode()


def test_a_restored_database_without_the_stored_pdf_still_prints_the_voucher(
    voucher, reviewer, client_for, renders
):
    client = client_for(reviewer)
    url = reverse("admin:vouchers_voucher_pdf", args=[voucher.pk])
    first = client.get(url)
    issued = IssuedDocument.objects.get()
    default_storage.delete(issued.document.file.name)  # the media folder was not restored

    response = client.get(url)

    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert len(renders) == 2
    code = Verification.objects.get(subject_id=str(voucher.pk)).code
    assert format_code(code) in text(response.content)
    assert format_code(code) in text(first.content)
    assert IssuedDocument.objects.get().pk == issued.pk
    assert client.get(url).content == response.content and len(renders) == 2
