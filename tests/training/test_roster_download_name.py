"""The roster download's file name: Chinese for browsers (RFC 5987) with an ASCII fallback
(issue 9, XLSX exports; the roster's columns are the training engineer's and are tested in
test_roster_round_trip)."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from tests.core.test_xlsx_exports import file_names
from tests.training import test_roster_round_trip as base

course = base.course


def test_roster_download_has_a_chinese_name_an_ascii_fallback_and_a_named_sheet(
    client_for, agency_a, course
):
    response = client_for(agency_a).get(reverse("training:roster_export", args=[course.pk]))

    plain, full = file_names(response)
    assert "培训花名册" in full and full.endswith(".xlsx")
    assert plain.isascii() and plain.endswith(".xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert "Tablib Dataset" not in book.sheetnames and "Sheet" not in book.sheetnames
