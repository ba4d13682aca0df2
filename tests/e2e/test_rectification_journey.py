"""The agency answers a failed inspection's rectification on a phone-sized screen: it sees
what to fix and the days left, writes what it fixed, attaches a photo and sends it; a
bureau clerk then plans the re-inspection from the admin list (issue 12)."""

from __future__ import annotations

import pytest

from agencies.services import standing_record_inspection
from inspections.models import Inspection, Rectification
from inspections.services.consequences import after_conclusion
from kunqu_jiafu.accounts.roles import REVIEWER
from tests import factories
from tests.e2e.signin import pass_second_factor
from tests.inspections import factories_rectification as fr

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = "/tmp"

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    pass_second_factor(page, username)


def test_the_agency_answers_on_a_phone_and_staff_plan_the_reinspection(browser, live_server):
    base = live_server.url
    agency = factories.make_agency("包头市昆区安心家政服务有限公司")
    factories.make_agency_user("anxin", agency)
    factories.make_user("jingban", REVIEWER, full_name="赵经办")
    fr.recognition(agency)
    failed = fr.concluded(agency)
    standing_record_inspection(
        actor=failed.concluded_by, agency=agency, year=2026, result="failed", reason="年检"
    )
    after_conclusion(failed)

    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = phone.new_page()
    _sign_in(page, base, "anxin")
    page.goto(f"{base}/portal/inspections/")
    assert "不能获得奖补" in page.content()
    page.screenshot(path=f"{SHOTS}/rect-list.png", full_page=True)
    page.locator("[data-testid=rectify-link]").click()
    page.wait_for_load_state()
    assert "统一制度" in page.locator("[data-testid=requirements]").inner_text()
    assert "天" in page.locator("[data-testid=days-left]").inner_text()
    page.screenshot(path=f"{SHOTS}/rect-detail.png", full_page=True)
    page.fill("#id_answer", "已制定并公示服务规范，全员培训。")
    page.set_input_files(
        "#id_files", files=[{"name": "现场照片.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.locator("[data-testid=send-answer]").click()
    page.wait_for_load_state()
    assert "现场照片.png" in page.locator("[data-testid=answer]").inner_text()
    page.screenshot(path=f"{SHOTS}/rect-answered.png", full_page=True)
    phone.close()
    assert Rectification.objects.get().status == Rectification.Status.ANSWERED

    desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    _sign_in(page, base, "jingban")
    page.goto(f"{base}/admin/inspections/rectification/")
    page.screenshot(path=f"{SHOTS}/rect-admin-list.png", full_page=True)
    page.locator("input[name=_selected_action]").first.check()
    page.select_option("select[name=action]", "plan_reinspection")
    page.locator("button[name=index]").click()
    page.wait_for_load_state()
    assert "已安排复检" in page.content()
    desk.close()
    reinspection = Inspection.objects.get(kind=Inspection.Kind.REINSPECTION)
    assert reinspection.parent_id == failed.pk
