"""Downloads through the API: the printable voucher for staff, the settlement statement (PDF and
XLSX) for staff and the statement's own agency, each behind the same scoping as the object."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

from tests.vouchers.test_api_common import issued, settlement
from vouchers import documents

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _disposition(response, filename: str) -> None:
    header = response.headers["Content-Disposition"]
    assert header.startswith("attachment")
    assert quote(filename) in header  # RFC 5987: the Chinese name survives


@pytest.mark.parametrize("actor", ["reviewer", "official"])
def test_staff_download_the_printable_voucher(actor, request, reviewer, client_for):
    voucher = issued(reviewer)
    client = client_for(request.getfixturevalue(actor))
    response = client.get(f"/api/vouchers/{voucher.pk}/pdf/", headers={"Accept": "application/pdf"})
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    _disposition(response, documents.filename_for(voucher, "pdf"))
    assert response["Cache-Control"] == "private, no-store"
    listed = client.get(f"/api/vouchers/{voucher.pk}/").json()["pdf_url"]
    assert listed == f"/api/vouchers/{voucher.pk}/pdf/"


def test_an_unknown_voucher_pdf_is_a_json_404(reviewer, client_for):
    response = client_for(reviewer).get("/api/vouchers/999999/pdf/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_the_agency_downloads_its_statement_as_pdf_and_xlsx(
    reviewer, org_a, agency_a, agency_b, client_for
):
    statement = settlement(reviewer, agency_a, org_a)
    client = client_for(agency_a)
    pdf = client.get(f"/api/voucher-settlements/{statement.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    _disposition(pdf, documents.filename_for(statement, "pdf"))
    sheet = client.get(f"/api/voucher-settlements/{statement.pk}/xlsx/")
    assert sheet.status_code == 200 and sheet["Content-Type"] == XLSX
    _disposition(sheet, documents.filename_for(statement, "xlsx"))
    book = load_workbook(io.BytesIO(sheet.content))
    text = "".join(str(c.value) for row in book.active.iter_rows() for c in row if c.value)
    assert statement.number in text
    detail = client.get(f"/api/voucher-settlements/{statement.pk}/").json()
    assert detail["pdf_url"] == f"/api/voucher-settlements/{statement.pk}/pdf/"
    assert detail["xlsx_url"] == f"/api/voucher-settlements/{statement.pk}/xlsx/"
    # Another agency's user cannot tell the statement exists.
    other = client_for(agency_b)
    assert other.get(f"/api/voucher-settlements/{statement.pk}/pdf/").status_code == 404
    assert other.get(f"/api/voucher-settlements/{statement.pk}/xlsx/").status_code == 404
