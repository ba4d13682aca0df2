"""An official (统计查询) produces the year's statistical report in a real browser: signs in,
opens 统计报表 from the admin home, picks the year, asks for the report, watches its page
until it is finished, downloads the PDF and the Excel workbook, and finds in them the figure
the page showed. Step screenshots go to /tmp/kj_e2e_report/ (or $KJ_E2E_REPORT_SHOTS)."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from kunqu_jiafu.accounts.roles import OFFICIAL
from reports.models import ReportRun
from tests import factories
from tests.e2e.signin import pass_second_factor

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("KJ_E2E_REPORT_SHOTS", "/tmp/kj_e2e_report"))


def test_an_official_produces_and_downloads_the_annual_report(browser, live_server, tmp_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    year = timezone.localdate().year
    for n, name in enumerate(("包头市昆区安心家政服务有限公司", "包头市昆区康寿养老服务中心")):
        factories.make_agency(name, registered_on=timezone.localdate().replace(month=1 + n))
    official = factories.make_user("report_official", OFFICIAL, full_name="周统计")

    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", official.username)
    page.fill("#id_password", factories.PASSWORD)
    page.locator("form [type=submit]").first.click()
    page.wait_for_load_state()
    pass_second_factor(page, official.username)

    page.goto(f"{live_server.url}/admin/")
    assert page.locator("[data-testid=dashboard-charts] svg").count() == 3
    page.screenshot(path=str(SHOTS / "00-admin-home.png"), full_page=True)
    page.get_by_role("link", name="本年统计数据与年度统计报表").click()
    page.wait_for_load_state()
    page.select_option("[data-testid=year-picker]", str(year))
    page.wait_for_load_state()
    new = page.locator('[data-testid="figure-agencies.new"] td').nth(1).inner_text()
    assert new.strip() == "2"
    page.screenshot(path=str(SHOTS / "01-figures.png"), full_page=True)

    page.locator("[data-testid=request-report]").click()
    page.wait_for_load_state()
    # The page follows the run by itself until it is finished, then shows the downloads.
    page.locator("[data-testid=run-done]").wait_for(timeout=120_000)
    page.screenshot(path=str(SHOTS / "02-run-done.png"), full_page=True)
    run = ReportRun.objects.get()
    assert run.status == "done" and run.requested_by == official

    with page.expect_download() as pdf_download:
        page.locator("[data-testid=download-pdf]").click()
    pdf = tmp_path / "report.pdf"
    pdf_download.value.save_as(pdf)
    assert pdf_download.value.suggested_filename.startswith("昆都仑区家庭服务业统计报表")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "机构、站点与认定" in text and "本年新登记机构" in text

    with page.expect_download() as xlsx_download:
        page.locator("[data-testid=download-xlsx]").click()
    book = load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes()))
    agencies = book.worksheets[0]
    figures = {row[0]: row[2] for row in agencies.iter_rows(min_row=3, values_only=True) if row[0]}
    assert figures["本年新登记机构"] == 2

    page.goto(f"{live_server.url}/reports/?year={year}")
    assert page.locator("[data-testid=runs] tbody tr").count() == 1
    context.close()
