"""The agency's settlement statements in the portal (/portal/vouchers/settlements/) with PDF and
XLSX downloads; another agency's statement is not found."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests import factories
from tests.vouchers import core_builders as b
from vouchers.services.settlement import settlement_create, settlement_mark_paid
from vouchers.services.verification import voucher_verify

pytestmark = pytest.mark.django_db

LIST = "/portal/vouchers/settlements/"


@pytest.fixture
def batch(reviewer, org_a, org_b):
    the_batch = b.batch(count=10)
    b.join(the_batch, org_a, reviewer)
    b.join(the_batch, org_b, reviewer)
    return the_batch


def statement(batch, reviewer, agency, agency_user, n: int = 2):
    worker = factories.make_worker(agency)
    for _ in range(n):
        voucher = b.issued(batch, reviewer)
        b.redeem(voucher, agency_user, worker)
        voucher_verify(actor=reviewer, voucher=voucher, passed=True)
    return settlement_create(actor=reviewer, batch=batch, agency=agency, month=timezone.localdate())


@pytest.fixture
def mine(batch, reviewer, org_a, agency_a):
    return statement(batch, reviewer, org_a, agency_a, n=2)


@pytest.fixture
def theirs(batch, reviewer, org_b, agency_b):
    return statement(batch, reviewer, org_b, agency_b, n=1)


def test_the_list_shows_own_statements_only(client_for, agency_a, mine, theirs, approver):
    settlement_mark_paid(actor=approver, settlement=mine, paid_on=timezone.localdate())
    response = client_for(agency_a).get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert list(response.context["page"].object_list) == [mine]
    assert mine.number in html and theirs.number not in html
    assert "400.00" in html
    assert f"{timezone.localdate():%Y-%m-%d}" in html
    assert response.context["totals"]["paid"] == Decimal("400.00")
    assert reverse("vouchers:settlement_pdf", args=[mine.pk]) in html
    assert reverse("vouchers:settlement_xlsx", args=[mine.pk]) in html


def test_own_statement_downloads_as_pdf_and_xlsx(client_for, agency_a, mine):
    client = client_for(agency_a)
    pdf = client.get(f"/portal/vouchers/settlements/{mine.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf["Content-Disposition"]
    xlsx = client.get(f"/portal/vouchers/settlements/{mine.pk}/xlsx/")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
    assert mine.number in text


def test_another_agencys_statement_is_not_found(client_for, agency_a, theirs):
    client = client_for(agency_a)
    assert client.get(f"/portal/vouchers/settlements/{theirs.pk}/pdf/").status_code == 404
    assert client.get(f"/portal/vouchers/settlements/{theirs.pk}/xlsx/").status_code == 404


def test_visitors_are_sent_to_sign_in(client, mine):
    response = client.get(f"/portal/vouchers/settlements/{mine.pk}/pdf/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
