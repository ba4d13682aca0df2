"""The voucher and the settlement statement carry a verification code that /verify/ confirms
(issue 9); the public check never shows the holder or the voucher's redeem code."""

from __future__ import annotations

from kunqu_jiafu.documents import verification as v
from tests.vouchers import test_documents as base
from vouchers import documents

# The fixtures of the voucher documents' tests.
batch, voucher, settlement, pdf_text = base.batch, base.voucher, base.settlement, base.pdf_text


def test_voucher_pdf_carries_a_code_that_verifies_without_the_holder_or_redeem_code(
    voucher, client, tmp_path
):
    text = pdf_text(documents.voucher_pdf(voucher), tmp_path)
    found = v.Verification.objects.get(subject_id=str(voucher.pk))
    assert v.format_code(found.code) in text
    assert "包头市昆都仑区人力资源和社会保障局" in text

    page = client.get("/verify/", {"code": found.code}).content.decode()
    assert voucher.agency.name in page and str(voucher.face_value) in page
    assert voucher.person.name not in page
    assert voucher.code not in page and voucher.display_code not in page
    assert voucher.code[-4:] in page

    # Printed again: the same code.
    pdf_text(documents.voucher_pdf(voucher), tmp_path)
    assert v.Verification.objects.get(subject_id=str(voucher.pk)).code == found.code


def test_settlement_pdf_carries_a_code_that_verifies_number_agency_amount_date(
    settlement, client, tmp_path
):
    text = pdf_text(documents.settlement_pdf(settlement), tmp_path)
    found = v.Verification.objects.get(subject_id=str(settlement.pk), number=settlement.number)
    assert v.format_code(found.code) in text

    page = client.get("/verify/", {"code": found.code}).content.decode()
    assert settlement.number in page
    assert settlement.agency.name in page
    assert str(settlement.amount) in page
    assert settlement.created_at.date().isoformat()[:4] in page
    for holder in ("李桂兰", "赵建国", "孙秀英"):
        assert holder not in page
