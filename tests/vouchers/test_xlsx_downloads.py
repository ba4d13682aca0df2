"""The settlement statement and the progress workbook as downloaded: sheets named after their
content, typed cells, a Chinese file name with an ASCII fallback, holder names never run as
formulas (issue 9, XLSX exports)."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from tests.core.test_xlsx_exports import file_names
from tests.vouchers import test_documents as base
from vouchers import documents
from vouchers.documents import SETTLEMENT_HEADER_ROW

batch, voucher, settlement = base.batch, base.voucher, base.settlement


def test_settlement_xlsx_download_is_named_typed_and_chinese(settlement, reviewer, client_for):
    response = client_for(reviewer).get(
        reverse("admin:vouchers_settlement_xlsx", args=[settlement.pk])
    )

    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["结算单"]
    sheet = book.active
    first = sheet[SETTLEMENT_HEADER_ROW + 1]
    assert first[0].data_type == "n"  # No.
    assert first[4].is_date and first[4].number_format == "yyyy-mm-dd"  # service date
    assert first[8].data_type == "n" and first[8].number_format == "#,##0.00"  # face value
    plain, full = file_names(response)
    assert full == documents.filename_for(settlement, "xlsx")
    assert plain.isascii() and plain.endswith(".xlsx")


def test_a_holder_named_like_a_formula_stays_text(settlement):
    person = documents.selectors.settlement_lines(settlement)[0].person
    person.name = '=HYPERLINK("http://x","点我")'
    person.save(update_fields=["name"])

    sheet = load_workbook(io.BytesIO(documents.settlement_xlsx(settlement))).active
    cells = [
        c
        for row in sheet.iter_rows(min_row=SETTLEMENT_HEADER_ROW + 1)
        for c in row
        if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")
    ]
    assert cells and all(c.data_type == "s" for c in cells)
    # The statement's own total is still a live formula.
    assert any(
        c.data_type == "f" and str(c.value).startswith("=SUM")
        for row in sheet.iter_rows()
        for c in row
    )


def test_progress_xlsx_download_has_named_sheets_and_an_ascii_fallback(
    batch, settlement, approver, client_for
):
    response = client_for(approver).get(
        reverse("admin:vouchers_progress_xlsx") + f"?batch={batch.pk}"
    )

    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert "Tablib Dataset" not in book.sheetnames and "Sheet" not in book.sheetnames
    assert book.sheetnames[0] == "总体情况"
    plain, full = file_names(response)
    assert full.startswith("就业券进度-") and plain.isascii()


def test_progress_xlsx_keeps_a_group_named_like_a_formula_as_text(batch, monkeypatch):
    """A target group or street typed as "=…" by a bureau user reaches the progress workbook as
    text; the total rows stay live SUM formulas."""
    import io

    from openpyxl import load_workbook

    from vouchers import documents, selectors

    real = selectors.progress

    def progress_with_a_formula_name(the_batch):
        figures = real(the_batch)
        row = dict.fromkeys(("applications", "issued", "redeemed", "verified", "reimbursed"), 1) | {
            "issued_amount": 200,
            "reimbursed_amount": 200,
        }
        figures["by_group"] = [*figures["by_group"], {**row, "name": '=HYPERLINK("http://x","y")'}]
        return figures

    monkeypatch.setattr(documents.selectors, "progress", progress_with_a_formula_name)
    book = load_workbook(io.BytesIO(documents.progress_xlsx(batch)))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    named = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")]
    assert named and all(c.data_type == "s" for c in named)
    sums = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=SUM(")]
    assert sums and all(c.data_type == "f" for c in sums)


def test_progress_xlsx_sheets_headers_and_typed_cells(batch, settlement):
    """The progress workbook as a reader sees it: three named sheets, their header rows, numbers
    as numbers with money formatted, and a bold live SUM row under each breakdown."""
    book = load_workbook(io.BytesIO(documents.progress_xlsx(batch)))

    assert book.sheetnames == ["总体情况", "按目标人群", "按街镇"]
    overall, by_group, by_street = book.worksheets
    assert overall["A1"].value.startswith(f"{batch}：截至 ")
    assert [c.value for c in overall[3]] == [
        "指标",
        "就业券",
        "金额（元）",
        "张数占比（%）",
        "金额占比（%）",
    ]
    figures = [[c.value for c in overall[row][:3]] for row in range(4, 10)]
    assert [row[0] for row in figures] == [
        "批次计划",
        "已发放",
        "已核销（已完成上门服务）",
        "核查通过",
        "已结算",
        "尚未发放",
    ]
    assert figures[0][1:] == [5000, 1000000]
    for row in range(4, 10):
        count, amount, share, share_of_amount = overall[row][1:5]
        assert count.data_type == amount.data_type == share.data_type == "n"
        assert share_of_amount.data_type == "n"
        assert amount.number_format == "#,##0.00"
    assert overall["A11"].value == "申报数" and overall["A11"].font.b
    assert [overall.cell(row=r, column=1).value for r in range(12, 17)] == [
        "申报数（不含已驳回）",
        "待审核",
        "已审核通过、尚未发券",
        "已驳回",
        "已作废就业券",
    ]
    breakdown = ["申报数", "已发放", "发放金额（元）", "已核销", "核查通过", "已结算"]
    breakdown.append("结算金额（元）")
    for sheet, first in ((by_group, "目标人群"), (by_street, "街镇")):
        assert [c.value for c in sheet[1]] == [first, *breakdown]
        assert sheet.freeze_panes == "B2"
        body, total = list(sheet.iter_rows(min_row=2))[:-1], list(sheet.iter_rows())[-1]
        assert body
        for row in body:
            assert row[0].data_type == "s"
            assert all(c.data_type == "n" for c in row[1:])
            assert row[3].number_format == row[7].number_format == "#,##0.00"
        last = len(body) + 1
        assert total[0].value == "合计" and total[0].font.b
        assert [c.value for c in total[1:]] == [f"=SUM({x}2:{x}{last})" for x in "BCDEFGH"]
        assert all(c.data_type == "f" and c.font.b for c in total[1:])
        assert total[3].number_format == total[7].number_format == "#,##0.00"
    assert [r[0].value for r in by_street.iter_rows(min_row=2)][:-1] == ["少先路街道"]
