"""A provider loads a real-looking 2,000-row roster in the browser, fixes the rows the portal
reports (the upload becomes an import job whose page shows its progress, then the problems or
the preview), imports it, and the bureau's work desk shows the yearly target progress move."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import Workbook

from kunqu_jiafu.accounts.roles import REVIEWER
from tests import factories
from tests.e2e.signin import pass_second_factor
from tests.training.test_roster_import import HEADERS, _ids, _row
from training import services
from training.models import CourseKind, Enrolment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ROWS = 2000


def _workbook(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row.get(h) for h in HEADERS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _login(browser, base, username):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    pass_second_factor(page, username)
    return page


def _upload(page, content: bytes) -> None:
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "花名册.xlsx", "mimeType": "application/octet-stream", "buffer": content}],
    )
    page.locator("button[name=preview]").click()
    page.wait_for_load_state()
    # The upload became an import job: its page polls its progress until the job is over.
    page.locator(
        "[data-testid=import-job]:not([data-status=queued]):not([data-status=running])"
    ).wait_for()


def test_provider_imports_a_2000_row_roster_after_fixing_the_reported_rows(browser, live_server):
    base = live_server.url
    today = timezone.localdate()
    agency = factories.make_agency("包头市昆区巧手家政职业培训学校")
    provider = factories.make_agency_user("qiaoshou", agency)
    factories.make_user("jingban", REVIEWER)
    course = services.course_create(
        actor=provider,
        provider=agency,
        data={
            "name": "家政服务员岗前培训（大班）",
            "kind": CourseKind.objects.get(code="pre_job"),
            "starts_on": today - dt.timedelta(days=5),
            "ends_on": today,
            "class_hours": 40,
            "capacity": 2100,
            "policy_year": today.year,
        },
    )
    numbers = _ids(ROWS)
    rows = [
        _row(**{"姓名": f"学员{i:04d}", "身份证号": numbers[i], "结业日期": today})
        for i in range(ROWS)
    ]

    # The bureau's work desk before the import.
    desk = _login(browser, base, "jingban")
    desk.goto(f"{base}/admin/")
    before = int(desk.get_by_test_id("training-trained").inner_text())

    # The provider's file has three mistakes; the portal lists each by row and column.
    page = _login(browser, base, provider.username)
    bad = [dict(r) for r in rows]
    wrong = numbers[8][:-1] + ("0" if numbers[8][-1] != "0" else "1")
    bad[8]["身份证号"] = wrong  # Excel row 10: wrong check character
    bad[498]["身份证号"] = numbers[18]  # row 500 repeats row 20
    bad[1498]["结业日期"] = "2026-13-40"  # row 1500: no such date
    page.goto(f"{base}/portal/training/{course.pk}/import/")
    _upload(page, _workbook(bad))
    errors = page.get_by_test_id("import-errors").inner_text()
    for row in ("10", "500", "1500"):
        assert row in errors
    assert "身份证号" in errors and "结业日期" in errors
    assert not Enrolment.objects.exists()

    # Fixed, checked again (the job's page: its progress, then the preview) and confirmed.
    page.get_by_role("link", name="重新上传文件").first.click()  # back to the upload form
    _upload(page, _workbook(rows))
    assert f"{ROWS}" in page.get_by_test_id("roster-confirm").inner_text()
    page.get_by_test_id("confirm").click()
    page.get_by_test_id("import-done").wait_for()
    assert Enrolment.objects.filter(course=course, completed=True).count() == ROWS

    # The work desk's progress has moved by the 2,000 people trained.
    desk.goto(f"{base}/admin/")
    assert int(desk.get_by_test_id("training-trained").inner_text()) == before + ROWS
    for p in (page, desk):
        p.context.close()
