"""A spot check (抽查核实) in a real browser: a reviewer draws a sample of paid claims in the
admin, opens the redraw page, records the record as false (不属实) with a photo on a phone-sized
screen; the claim is revoked with the money to recover, and the agency sees it in its portal.

Step screenshots are written to /tmp/kj_e2e_spot/ (or $KJ_E2E_SPOT_SHOTS)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image

from inspections.models import SpotCheck, SpotCheckItem
from kunqu_jiafu.accounts.roles import APPROVER, REVIEWER
from subsidies.models import Claim
from tests import factories
from tests.e2e.signin import pass_second_factor
from tests.subsidies.core_builders import PDF_BYTES, fund, paid, seed_catalogue

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("KJ_E2E_SPOT_SHOTS", "/tmp/kj_e2e_spot"))
PHONE = {"width": 390, "height": 844}


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), "lightgray").save(out, format="JPEG")
    return out.getvalue()


def _login(browser, base: str, username: str, viewport: dict, *, admin: bool = False):
    context = browser.new_context(locale="zh-CN", viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{base}/admin/" if admin else f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.locator("form [type=submit]").first.click()
    page.wait_for_load_state()
    pass_second_factor(page, username)
    return page


def test_a_spot_check_finds_a_paid_claim_false_and_the_agency_sees_it(
    browser, live_server, monkeypatch
):
    monkeypatch.setattr("kunqu_jiafu.documents.pdf.render_pdf", lambda *a, **k: PDF_BYTES)
    SHOTS.mkdir(parents=True, exist_ok=True)
    seed_catalogue()
    base, today = live_server.url, timezone.localdate()
    org = factories.make_agency("包头市昆区诚信家政服务有限公司")
    agency_user = factories.make_agency_user("chengxin", org)
    reviewer = factories.make_user("spot_reviewer", REVIEWER, full_name="赵经办")
    approver = factories.make_user("spot_approver", APPROVER, full_name="钱科长")
    fund(approver, "100000")
    claim = paid(agency_user, org, reviewer, approver)

    # The reviewer draws a sample of one paid 贷款贴息 claim.
    page = _login(browser, base, reviewer.username, {"width": 1280, "height": 900}, admin=True)
    page.goto(f"{base}/admin/inspections/spotcheck/draw/")
    page.fill("#id_title", "贷款贴息抽查")
    page.select_option("#id_population", "claims")
    page.locator("input[name=claim_types][value=loan_interest]").check()
    page.fill("#id_period_start", f"{today:%Y-%m-01}")
    page.fill("#id_period_end", f"{today:%Y-%m-%d}")
    page.fill("#id_sample_size", "1")
    page.screenshot(path=str(SHOTS / "01-draw.png"), full_page=True)
    page.locator("[data-testid=spot-submit]").click()
    page.wait_for_load_state()
    check = SpotCheck.objects.get()
    assert f"/admin/inspections/spotcheck/{check.pk}/change/" in page.url
    page.screenshot(path=str(SHOTS / "02-spot-check.png"), full_page=True)

    # The redraw page shows the seed and draws the same sample again.
    page.goto(f"{base}/inspect/spot-checks/{check.pk}/redraw/")
    assert page.locator("[data-testid=redraw-seed]").inner_text() == str(check.seed)
    assert page.locator("[data-testid=redraw-matches]").is_visible()
    page.screenshot(path=str(SHOTS / "03-redraw.png"), full_page=True)

    # The outcome, recorded on a phone: 不属实 after a call, with a photo.
    item = SpotCheckItem.objects.get()
    phone = _login(browser, base, reviewer.username, PHONE, admin=True)
    phone.goto(f"{base}/admin/inspections/spotcheckitem/{item.pk}/record/")
    phone.locator("input[name=outcome][value=false]").check()
    phone.locator("input[name=method][value=call]").check()
    phone.fill("#id_evidence", "电话回访借款人：无此笔贷款")
    phone.set_input_files(
        "#id_file", {"name": "回访.jpg", "mimeType": "image/jpeg", "buffer": _photo()}
    )
    phone.screenshot(path=str(SHOTS / "04-record-phone.png"), full_page=True)
    phone.locator("[data-testid=spot-submit]").click()
    phone.wait_for_load_state()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REVOKED
    assert claim.recovery_amount == claim.approved_amount

    # The agency sees it in its portal.
    portal = _login(browser, base, agency_user.username, PHONE)
    portal.goto(f"{base}/portal/inspections/spot-checks/")
    table = portal.locator("[data-testid=spot-check-table]").inner_text()
    assert "无此笔贷款" in table
    assert (
        f"{claim.recovery_amount:,}"
        in portal.locator("[data-testid=spot-recovery-total]").inner_text()
    )
    portal.screenshot(path=str(SHOTS / "05-agency-phone.png"), full_page=True)
