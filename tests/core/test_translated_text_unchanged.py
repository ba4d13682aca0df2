"""Text moved into gettext (issue 10) reads as before: same Chinese, placeholders filled."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from agencies import rules
from agencies.workflow import AGENCY_TRANSITIONS, FILING_TRANSITIONS
from subsidies.views.catalogue import _yuan
from vouchers.admin.forms import _month_choices
from vouchers.models import VoucherBatch


def test_worker_status_labels_and_reasons_read_as_before():
    assert [str(label) for label in rules.STATUS_LABELS.values()] == [
        "可上岗",
        "待补正",
        "不可上岗",
    ]
    status = rules.worker_status(
        identity_ok=True,
        agency_active=True,
        health_check_on=None,
        accident_insurance_until=dt.date(2026, 1, 1),
        today=dt.date(2026, 3, 1),
        area_known=False,
    )
    assert status.label == "待补正"
    assert status.reasons == ("身份证地区码未收录，待核实", "无体检记录", "意外伤害保险已过期")


def test_workflow_labels_read_as_before():
    assert [str(t.label) for t in AGENCY_TRANSITIONS] == [
        "准予登记", "驳回", "重新申请", "暂停", "恢复", "注销", "注销",
    ]  # fmt: skip
    assert [str(t.label) for t in FILING_TRANSITIONS] == [
        "准予备案", "退回补正", "不予备案", "重新提交", "撤销备案",
    ]  # fmt: skip


def test_month_choices_batch_name_and_amounts_read_as_before():
    assert _month_choices(dt.date(2026, 3, 5), months=2) == [
        ("2026-03", "2026年3月"),
        ("2026-02", "2026年2月"),
    ]
    assert str(VoucherBatch(year=2026, name="促进就业券")) == "2026年促进就业券"
    assert _yuan(100000) == "100,000 元"
    assert _yuan(12.5) == "12.50 元"


@pytest.mark.django_db
def test_check_filings_reports_in_chinese():
    out = StringIO()
    call_command("check_filings", stdout=out)
    assert out.getvalue().strip() == "已检查 0 份有效备案：失效 0 份，撤销 0 份。"
