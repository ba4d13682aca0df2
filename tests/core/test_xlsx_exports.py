"""Spreadsheets people download: sheets named after their content, numbers and dates typed,
Chinese file names with an ASCII fallback, formulas still escaped.

Issue 9: "XLSX exports: sheets named "Tablib Dataset", numbers stored as text, English file
names. Sheets named after their content, numbers and dates typed, Chinese file names."
Each file is opened with openpyxl, as Excel would."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import load_workbook

from kunqu_jiafu.documents import xlsx
from kunqu_jiafu.web.admin_kit.common import ExportXlsxMixin
from kunqu_jiafu.web.admin_kit.exports import local_time
from subsidies.models import Claim
from tests import factories
from tests.subsidies import core_builders as b

RFC5987 = re.compile(r"filename\*=UTF-8''([A-Za-z0-9%._~-]+)$")
ASCII_NAME = re.compile(r'filename="([ -~]+)"')


def workbook(response):
    assert response.status_code == 200, response.status_code
    return load_workbook(io.BytesIO(response.content))


def file_names(response) -> tuple[str, str]:
    """(the ASCII fallback, the full UTF-8 name) of a download."""
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    plain, full = ASCII_NAME.search(disposition), RFC5987.search(disposition)
    assert plain and full, disposition
    assert plain.group(1).isascii()
    return plain.group(1), unquote(full.group(1))


# --- the writer ------------------------------------------------------------------------------


def test_attachment_header_sends_the_chinese_name_and_an_ascii_fallback():
    header = xlsx.attachment_header("补贴申请台账-20261129.xlsx", fallback="claim-20261129.xlsx")
    assert header == (
        'attachment; filename="claim-20261129.xlsx"; '
        "filename*=UTF-8''%E8%A1%A5%E8%B4%B4%E7%94%B3%E8%AF%B7%E5%8F%B0%E8%B4%A6-20261129.xlsx"
    )
    # Without a fallback the ASCII part of the name is kept, and never an empty stem.
    assert 'filename="download-2026-0001.xlsx"' in xlsx.attachment_header(
        "结算单-昆人社家券结〔2026〕0001号.xlsx"
    )
    assert xlsx.attachment_header("roster.xlsx") == 'attachment; filename="roster.xlsx"'
    # Quotes, separators and line breaks never reach the header.
    header = xlsx.attachment_header('a"b/c\r\nd.xlsx')
    assert "\r" not in header and "\n" not in header and 'a"b' not in header


def test_cells_are_typed_and_formulas_stay_text():
    moment = timezone.make_aware(dt.datetime(2026, 11, 29, 17, 30, 12))
    data = xlsx.table_xlsx(
        "补贴申请台账",
        ["金额", "人数", "日期", "提交时间", "是否", "备注"],
        [
            [Decimal("3000.05"), 12, dt.date(2026, 11, 29), local_time(moment), True, "=1+2"],
            [None, 0, None, "", False, "@SUM(A1)"],
        ],
    )
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "补贴申请台账"
    amount, count, day, at, yes, note = sheet[2]
    assert amount.data_type == "n" and amount.value == 3000.05
    assert amount.number_format == "#,##0.00"
    assert count.data_type == "n" and count.value == 12
    assert day.is_date and day.value == dt.datetime(2026, 11, 29)
    assert day.number_format == "yyyy-mm-dd"
    assert at.is_date and at.value == dt.datetime(2026, 11, 29, 17, 30)
    assert at.number_format == "yyyy-mm-dd hh:mm"
    assert yes.value == "是"
    assert note.data_type == "s" and note.value == "=1+2"  # text, not a live formula
    assert [c.value for c in sheet[3]] == [None, 0, None, None, "否", "@SUM(A1)"]
    assert [c.value for c in sheet[1]] == ["金额", "人数", "日期", "提交时间", "是否", "备注"]
    assert sheet.freeze_panes == "A2"


def test_sheet_titles_are_made_valid():
    assert xlsx.sheet_title("2026/11 结算单: [草稿]?") == "202611 结算单 草稿"
    assert len(xlsx.sheet_title("长" * 40)) == 31
    assert xlsx.sheet_title("[]") == "Sheet1"


def test_local_time_is_still_text_on_pages():
    moment = timezone.make_aware(dt.datetime(2026, 11, 29, 9, 5))
    assert (
        local_time(moment) == "2026-11-29 09:05" and f"{local_time(moment)}" == "2026-11-29 09:05"
    )
    assert local_time(None) == ""


# --- every admin list export ---------------------------------------------------------------


def exporting_admins():
    return sorted(
        (
            model_admin
            for model_admin in admin.site._registry.values()
            if isinstance(model_admin, ExportXlsxMixin)
        ),
        key=lambda model_admin: model_admin.opts.label,
    )


def test_every_admin_export_is_found():
    labels = {model_admin.opts.label for model_admin in exporting_admins()}
    assert {"agencies.Agency", "agencies.Worker", "subsidies.Claim"} <= labels


@pytest.mark.parametrize("model_admin", exporting_admins(), ids=lambda m: m.opts.label)
def test_admin_export_names_sheet_and_file_after_the_list(model_admin, db, client_for):
    superuser = factories.make_user("root-exporter", is_staff=True, is_superuser=True)
    opts = model_admin.opts
    response = client_for(superuser).get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_export")
    )

    book = workbook(response)
    assert book.sheetnames == [xlsx.sheet_title(str(opts.verbose_name_plural))]
    assert "Tablib Dataset" not in book.sheetnames
    header = [c.value for c in book.active[1]]
    assert header and all(isinstance(h, str) and h for h in header)
    plain, full = file_names(response)
    assert full.endswith(".xlsx") and re.search(r"[\u4e00-\u9fff]", full), full
    assert plain.startswith(f"{opts.model_name}-") and plain.endswith(".xlsx")


def test_claim_ledger_has_typed_amounts_dates_and_moments(
    reviewer, approver, agency_a, org_a, client_for, monkeypatch
):
    monkeypatch.setattr("subsidies.tasks.render_notice.apply_async", lambda *a, **k: None)
    b.fund(approver, "500000.00")
    paid = b.paid(agency_a, org_a, reviewer, approver)
    response = client_for(approver).get(
        reverse("admin:subsidies_claim_export") + "?status__exact=paid"
    )

    sheet = workbook(response).active
    assert sheet.title == str(Claim._meta.verbose_name_plural) == "补贴申请"
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, sheet[2], strict=True))
    approved = row[gettext("approved amount")]
    assert approved.data_type == "n" and approved.number_format == "#,##0.00"
    assert Decimal(str(approved.value)) == paid.approved_amount
    submitted = row[gettext("submitted at")]
    assert submitted.is_date and submitted.number_format == "yyyy-mm-dd hh:mm"
    assert submitted.value == timezone.localtime(paid.submitted_at).replace(
        tzinfo=None, second=0, microsecond=0
    )
    paid_on = row[gettext("paid on")]
    assert paid_on.is_date and paid_on.number_format == "yyyy-mm-dd"
    assert paid_on.value.date() == paid.paid_on
    _plain, full = file_names(response)
    assert full.startswith("补贴申请台账-")
