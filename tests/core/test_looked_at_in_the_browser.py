"""Layout fixes found by looking at the pages in a browser (issue 9: "the pages involved have
been looked at in the browser"), held by the markup and style rules that make them."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from kunqu_jiafu.audit.services import audit_log

pytestmark = pytest.mark.django_db


def _portal_css() -> str:
    return (settings.BASE_DIR / "static" / "css" / "portal.css").read_text(encoding="utf-8")


def _admin_css(page: str) -> str:
    """The back office's own style sheet, which the page must link (no inline style: the
    Content-Security-Policy allows none, issue 11)."""
    assert "/static/css/admin.css" in page
    return (settings.BASE_DIR / "static" / "css" / "admin.css").read_text(encoding="utf-8")


def _rule(css: str, selector: str) -> str:
    """The declarations of the last rule whose selector list names ``selector``."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    found = re.findall(r"([^{}]*)\{([^}]*)\}", css)
    rules = [body for head, body in found if selector in [s.strip() for s in head.split(",")]]
    assert rules, selector
    return rules[-1]


def test_a_long_reason_in_the_audit_log_wraps_instead_of_running_off_the_list(client, reviewer):
    audit_log(
        reviewer,
        reviewer,
        "subsidies.claim.returned",
        reason="回访中持券人表示服务时长不足 1 小时，与登记的服务时长不符，请机构核实后重新登记。"
        * 2,
    )
    client.force_login(reviewer)
    page = client.get("/admin/audit/auditentry/").content.decode()

    assert 'class="field-reason"' in page
    for column in ("field-reason", "field-object_repr"):
        wrap = _rule(_admin_css(page), f"#changelist #result_list td.{column}")
        assert "white-space:normal" in wrap and "max-width" in wrap, column


def test_the_export_button_reads_excel_not_the_stock_upper_case(client, reviewer):
    client.force_login(reviewer)
    page = client.get("/admin/subsidies/claim/").content.decode()

    assert "导出 Excel" in page
    assert "text-transform:none" in _rule(_admin_css(page), ".object-tools a")


def test_chinese_text_is_never_set_in_italics_on_the_portal():
    # The catalogue's figures waiting for the bureau (.pending) were slanted: a synthetic CJK
    # italic that reads as a rendering fault.
    assert "font-style: normal" in _rule(_portal_css(), ".pending")


def test_the_platform_name_fits_on_one_line_of_a_phone():
    # 昆都仑区家庭服务业服务平台 is 13 characters: at 28px it broke before its last character
    # on a 390-pixel phone (358 pixels of text).
    css = _portal_css()
    phone = css.split("The platform's name on one line on a 390-pixel phone.", 1)[1]
    size = int(re.search(r"\.hero h1 \{ font-size: (\d+)px", phone).group(1))
    assert 13 * size <= 358 - 2 * 14


# --- no "---------" for a choice not yet made: Django's default empty choice read as a fault


def _select(page: str, name: str) -> str:
    return page.split(f'<select name="{name}"', 1)[1].split("</select>", 1)[0]


def test_the_public_training_sign_up_asks_to_choose_a_street(client):
    page = client.get("/training/signup/").content.decode()

    street = _select(page, "street")
    assert '<option value="" selected>请选择街镇</option>' in street
    assert "---------" not in page


def test_the_course_form_names_its_empty_choices(client_for, agency_a):
    page = client_for(agency_a).get("/portal/training/new/").content.decode()

    assert "请选择培训类别" in _select(page, "kind")
    assert "在本机构上课（不另选街镇）" in _select(page, "street")
    assert "---------" not in page


def test_the_voucher_redeem_form_asks_to_choose_the_service_kind(client_for, agency_a):
    page = client_for(agency_a).get("/portal/vouchers/redeem/").content.decode()

    assert "请选择服务类型" in _select(page, "kind")
    assert "---------" not in page


# --- numbers with their units on the admin dashboard and the fund bars


def test_the_dashboard_gives_the_fund_figures_in_yuan_and_the_training_target_grouped(
    client, approver
):
    from decimal import Decimal

    from django.utils import timezone

    from subsidies.models import SpecialFund
    from training.models import TrainingTarget

    year = timezone.localdate().year
    SpecialFund.objects.create(year=year, amount=Decimal("2000000"))
    TrainingTarget.objects.update_or_create(year=year, defaults={"people": 2000})
    client.force_login(approver)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get("/admin/").content.decode()))

    assert "预算金额 2,000,000.00 元 · 累计核定 0.00 元" in text
    assert "/ 2,000" in text
