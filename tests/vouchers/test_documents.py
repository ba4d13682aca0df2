"""The voucher documents: the printed voucher, the settlement statement (PDF and XLSX) and the
progress workbook, read back as text and cells."""

from __future__ import annotations

import io
import subprocess
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import segno
from django.utils import timezone
from openpyxl import load_workbook

from agencies.models import BusinessFormat
from tests.factories import id_number, make_person, make_worker
from vouchers import documents, selectors
from vouchers.models import TargetGroup, Voucher, VoucherBatch
from vouchers.services.applications import application_create
from vouchers.services.batches import participation_set
from vouchers.services.choice import voucher_choose_agency
from vouchers.services.issue import application_approve_and_issue
from vouchers.services.redemption import voucher_redeem
from vouchers.services.settlement import settlement_create, settlement_mark_paid
from vouchers.services.verification import voucher_verify

HOLDERS = ("李桂兰", "赵建国", "孙秀英")


def pdf_text(data: bytes, tmp_path) -> str:
    """pdftotext of the PDF, with spaces and line breaks removed (it wraps lines)."""
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return "".join(out.stdout.split())


def issue(reviewer, batch, name: str, number: str, group_code: str = "unemployed") -> Voucher:
    application = application_create(
        batch=batch,
        id_number=number,
        name=name,
        phone="13800000000",
        address="昆区钢铁大街1号",
        street=batch.participations.first().agency.street,
        target_group=TargetGroup.objects.get(code=group_code),
        actor=reviewer,
    )
    return application_approve_and_issue(actor=reviewer, application=application)


@pytest.fixture
def batch(org_a, reviewer):
    batch = VoucherBatch.objects.get(year=2026)
    participation_set(actor=reviewer, batch=batch, agency=org_a)
    return batch


@pytest.fixture
def voucher(batch, reviewer, org_a):
    voucher = issue(reviewer, batch, "李桂兰", id_number(birth="19700101"))
    return voucher_choose_agency(voucher=voucher, agency=org_a)


@pytest.fixture
def settlement(batch, reviewer, org_a, agency_a):
    """Three verified vouchers of org_a on one statement (plus one unsettled, redeemed one)."""
    worker = make_worker(org_a, person=make_person("周红梅"))
    kind = BusinessFormat.objects.get(code="housekeeping")
    today = timezone.localdate()
    for i, name in enumerate([*HOLDERS, "钱卫东"]):
        group = "hard_to_employ" if i == 1 else "unemployed"
        voucher = issue(reviewer, batch, name, id_number(), group)
        voucher_choose_agency(voucher=voucher, agency=org_a)
        voucher_redeem(
            actor=agency_a,
            code=voucher.code,
            service_date=today,
            kind=kind,
            worker=worker,
            hours=Decimal("2.5") + i,
        )
        if name in HOLDERS:
            voucher_verify(actor=reviewer, voucher=voucher, passed=True)
    return settlement_create(actor=reviewer, batch=batch, agency=org_a, month=today)


# --- the voucher -------------------------------------------------------------------------------


def test_voucher_pdf_prints_code_value_in_capitals_and_masked_id_only(voucher, tmp_path):
    data = documents.voucher_pdf(voucher)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data, tmp_path)
    assert voucher.display_code in text
    assert "李桂兰" in text
    assert voucher.person.id_masked in text
    assert voucher.person.id_number not in text
    assert "200.00" in text and "贰佰元整" in text
    assert "甲家政服务有限公司" in text  # the chosen agency
    assert "城镇失业人员" in text
    assert "昆都仑区人力资源和社会保障局" in text
    assert "2026年促进就业券" in text


def test_voucher_qr_code_holds_the_redeem_url_with_the_code(voucher, settings):
    settings.PORTAL_BASE_URL = "https://jiafu.example.cn/"
    url = documents.redeem_url(voucher)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "jiafu.example.cn",
        "/portal/vouchers/redeem/",
    )
    assert parse_qs(parts.query) == {"code": [voucher.code]}
    # The printed symbol is segno's encoding of exactly that URL (version and matrix).
    context = documents.voucher_context(voucher)
    assert context["redeem_url"] == url
    expected = segno.make(url, error="m", boost_error=False)
    assert context["qr"] == expected.svg_data_uri(scale=1, border=4)
    assert expected.version <= 5  # few, large modules: scannable from paper


def test_voucher_without_agency_says_none_is_chosen_yet(batch, reviewer, tmp_path):
    voucher = issue(reviewer, batch, "赵建国", id_number())
    text = pdf_text(documents.voucher_pdf(voucher), tmp_path)
    assert voucher.display_code in text
    assert "甲家政服务有限公司" not in text


# --- the settlement statement ------------------------------------------------------------------


def test_settlement_pdf_lists_its_vouchers_with_total_in_capitals(settlement, tmp_path):
    data = documents.settlement_pdf(settlement)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data, tmp_path)
    assert settlement.number in text
    assert "甲家政服务有限公司" in text
    assert "600.00" in text and "陆佰元整" in text
    lines = list(selectors.settlement_lines(settlement))
    assert len(lines) == 3
    for voucher in lines:
        assert voucher.display_code in text
        assert voucher.person.name in text
        assert voucher.person.id_masked in text
        assert voucher.person.id_number not in text
    assert "周红梅" in text  # the worker
    assert "钱卫东" not in text  # redeemed but not verified: not on the statement


def test_settlement_pdf_shows_the_payment_once_paid(settlement, approver, tmp_path):
    settlement_mark_paid(
        actor=approver, settlement=settlement, paid_on=timezone.localdate(), reference="GK-001"
    )
    text = pdf_text(documents.settlement_pdf(settlement), tmp_path)
    assert "GK-001" in text


def _table(sheet) -> list[tuple]:
    rows = list(sheet.iter_rows(values_only=True))
    start = documents.SETTLEMENT_HEADER_ROW  # 1-based header row → index of the first line
    body = []
    for row in rows[start:]:
        if not isinstance(row[0], int):
            break
        body.append(row)
    return body, rows[start + len(body) :]


def test_settlement_xlsx_rows_are_the_statements_vouchers_and_total_is_its_amount(settlement):
    book = load_workbook(io.BytesIO(documents.settlement_xlsx(settlement)))
    sheet = book.active
    header = [c.value for c in sheet[documents.SETTLEMENT_HEADER_ROW]]
    assert header == documents.settlement_columns()
    body, after = _table(sheet)
    lines = list(selectors.settlement_lines(settlement))
    assert [row[1] for row in body] == [v.display_code for v in lines]
    assert [row[2] for row in body] == [v.person.name for v in lines]
    assert [row[3] for row in body] == [v.person.id_masked for v in lines]
    assert all(v.person.id_number not in str(row) for v in lines for row in body)
    assert [Decimal(str(row[8])) for row in body] == [v.face_value for v in lines]
    assert [Decimal(str(row[7])) for row in body] == [v.service.hours for v in lines]
    total_row, stored_row = after[0], after[1]
    first, last = documents.SETTLEMENT_HEADER_ROW + 1, documents.SETTLEMENT_HEADER_ROW + len(body)
    assert total_row[8] == f"=SUM(I{first}:I{last})"
    assert Decimal(str(stored_row[8])) == settlement.amount == Decimal("600.00")
    assert stored_row[1] == settlement.voucher_count == len(body)
    assert sum(Decimal(str(row[8])) for row in body) == settlement.amount


# --- progress ------------------------------------------------------------------------------------


def test_progress_xlsx_equals_the_selector(settlement, batch, approver, reviewer):
    settlement_mark_paid(actor=approver, settlement=settlement, paid_on=timezone.localdate())
    issue(reviewer, batch, "吴志强", id_number(), "model_worker")  # issued, not used
    figures = selectors.progress(batch)
    book = load_workbook(io.BytesIO(documents.progress_xlsx(batch)))
    assert len(book.worksheets) == 3
    overall = {
        row[0]: row[1:]
        for row in book.worksheets[0].iter_rows(min_row=4, values_only=True)
        if row[0]
    }
    planned, issued, redeemed, verified, reimbursed, remaining = list(overall.values())[:6]
    assert (planned[0], Decimal(str(planned[1]))) == (5000, Decimal("1000000.00"))
    for row, key in (
        (issued, "issued"),
        (redeemed, "redeemed"),
        (verified, "verified"),
        (reimbursed, "reimbursed"),
        (remaining, "remaining"),
    ):
        assert row[0] == figures[key], key
        assert Decimal(str(row[1])) == figures[f"{key}_amount"], key
    assert (issued[0], redeemed[0], verified[0], reimbursed[0]) == (5, 4, 3, 3)
    assert issued[2] == figures["percent"]["issued"]
    for sheet, key in ((book.worksheets[1], "by_group"), (book.worksheets[2], "by_street")):
        rows = [r for r in sheet.iter_rows(min_row=2, values_only=True) if isinstance(r[1], int)]
        assert [r[0] for r in rows] == [item["name"] for item in figures[key]]
        for row, item in zip(rows, figures[key], strict=True):
            assert row[1:4] == (item["applications"], item["issued"], item["issued_amount"])
            assert row[4:7] == (item["redeemed"], item["verified"], item["reimbursed"])
    groups = {r[0]: r[2] for r in book.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert groups["城镇失业人员"] == 3 and groups["就业困难人员"] == 1 and groups["劳动模范"] == 1


# --- file names ----------------------------------------------------------------------------------


def test_filenames_are_safe_and_name_the_document(voucher, settlement, batch):
    assert documents.filename_for(voucher, "pdf") == f"就业券-{voucher.display_code}.pdf"
    name = documents.filename_for(settlement, ".xlsx")
    assert name == f"结算单-{settlement.number}.xlsx"
    assert documents.filename_for(batch, "xlsx") == "就业券进度-2026年促进就业券.xlsx"
    for each in (name, documents.filename_for(voucher, "pdf")):
        assert not set('/\\:*?"<>| ') & set(each)
