"""One inspection scored on a phone-sized screen (issue 12: "a browser journey of one
inspection (with a photo taken on a phone-sized screen)"): the inspector opens the list,
types scores, the draft is saved as she types and comes back after a reload, survives the
connection dropping, a photo is uploaded, the scores are saved and the inspection concluded;
the agency's standing follows."""

from __future__ import annotations

import re

import pytest

from agencies.models import AgencyStanding
from inspections.models import Inspection
from kunqu_jiafu.accounts.roles import APPROVER, REVIEWER
from tests import factories
from tests.e2e.signin import pass_second_factor
from tests.inspections.factories_scoring import items_of, make_inspection
from tests.url_matrix import PNG

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_inspection_is_scored_on_a_phone_with_a_photo(browser, live_server, tmp_path):
    base = live_server.url
    agency = factories.make_agency("东河家政服务有限公司")
    for _ in range(4):
        factories.make_worker(agency)
    inspector = factories.make_user("jiancha1", REVIEWER, full_name="钱检查")
    second = factories.make_user("jiancha2", APPROVER, full_name="李检查")
    inspection = make_inspection(agency, inspector, second)
    items = items_of(inspection)
    photo = tmp_path / "门头.png"
    photo.write_bytes(PNG)

    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{base}/accounts/login/?next=/inspect/")
        page.fill("#id_username", "jiancha1")
        page.fill("#id_password", factories.PASSWORD)
        page.locator("form [type=submit]").first.click()
        page.wait_for_load_state()
        pass_second_factor(page, "jiancha1")
        page.goto(f"{base}/inspect/")
        page.get_by_text("东河家政服务有限公司").click()
        page.wait_for_load_state()
        assert "4 / 4 人" in page.content()  # the computed figures beside the inputs

        page.fill(f"#score_{items['sign'].pk}", "19")
        page.fill(f"#score_{items['rules'].pk}", "18")
        status = page.locator("[data-testid=draft-status]")
        status.filter(has_text="已保存").wait_for()
        page.reload()
        page.locator("[data-testid=draft-restored]").filter(has_text="已恢复").wait_for()
        assert re.search(r"已恢复 \d\d:\d\d 保存的草稿", page.content())
        assert page.input_value(f"#score_{items['sign'].pk}") == "19"

        context.set_offline(True)
        page.fill(f"#score_{items['training'].pk}", "14")
        status.filter(has_text="未联网，草稿已存在本机").wait_for()
        context.set_offline(False)
        status.filter(has_text="已保存").wait_for(timeout=20_000)

        page.set_input_files("#photo-input", str(photo))
        page.locator(".photo-form button").click()
        page.wait_for_load_state()
        assert "已上传 1 张照片" in page.content()
        assert page.locator(".thumbs img").count() == 1
        # The page reloaded: what was typed came back from the draft.
        assert page.input_value(f"#score_{items['training'].pk}") == "14"

        page.fill(f"#score_{items['fees'].pk}", "15")
        page.fill("#inspected_on", inspection.round.starts_on.replace(month=6).isoformat())
        page.fill("#notes", "五统一落实到位。")
        page.locator("button[value=save]").click()
        page.wait_for_load_state()
        assert "已保存。" in page.content()
        page.locator(".conclude summary").click()
        page.check("input[name=confirm]")
        page.locator("button[value=conclude]").click()
        page.wait_for_load_state()
        page.locator("[data-testid=result]").filter(has_text="合格").wait_for()
    finally:
        context.close()
    inspection.refresh_from_db()
    # 66 typed + 30 computed (four workers with everything, no filing: 25) = 91.
    assert inspection.status == Inspection.Status.CONCLUDED
    assert inspection.score == 91
    standing = AgencyStanding.objects.get(agency=agency, year=inspection.round.year)
    assert standing.inspection == AgencyStanding.Inspection.PASSED
