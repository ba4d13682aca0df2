"""Printed and downloaded voucher documents: the voucher itself (就业券, with its QR code), the
monthly settlement statement (结算单) as PDF and XLSX, and the batch's progress as XLSX.

PDFs are issued through the documents service (``kunqu_jiafu.documents.services.issued_pdf``):
rendered once by the notice engine with the notice stylesheet, stored with their verification
code, then served from storage. The QR code is drawn here by segno as an SVG data: URI, so
nothing is fetched."""

from __future__ import annotations

import io
import re
from decimal import Decimal

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from kunqu_jiafu.documents.money import amount_in_capitals, format_yuan
from kunqu_jiafu.documents.services import DocumentDraft, issued_pdf
from kunqu_jiafu.documents.spreadsheets import print_landscape_one_page_wide, style_header_cell
from kunqu_jiafu.documents.xlsx import escape_formulas, set_cell

from . import selectors
from .models import Settlement, Voucher, VoucherBatch

# File names use the documents' fixed official names, like the import templates do.
VOUCHER_FILE_PREFIX = "就业券"
SETTLEMENT_FILE_PREFIX = "结算单"
PROGRESS_FILE_PREFIX = "就业券进度"
REDEEM_PATH = "/portal/vouchers/redeem/"
MONEY_FORMAT = "#,##0.00"


# --- helpers ---------------------------------------------------------------------------------


def redeem_url(voucher: Voucher) -> str:
    """The agency portal's redeem page with the code filled in (what the QR code holds)."""
    try:
        path = reverse("vouchers:redeem")
    except NoReverseMatch:  # the portal pages are mounted later; the path is fixed
        path = REDEEM_PATH
    base = getattr(settings, "PORTAL_BASE_URL", "") or "http://127.0.0.1:8000"
    return f"{base.rstrip('/')}{path}?{urlencode({'code': voucher.code})}"


def qr_data_uri(data: str) -> str:
    """A QR code (error correction M, quiet zone included) as an SVG data: URI."""
    import segno

    return segno.make(data, error="m", boost_error=False).svg_data_uri(scale=1, border=4)


def _user_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _local_date(value):
    return timezone.localdate(value) if value is not None else None


def _month_label(month) -> str:
    return date_format(month, "YEAR_MONTH_FORMAT")


# --- the voucher (就业券) --------------------------------------------------------------------


def voucher_context(voucher: Voucher) -> dict:
    batch = voucher.batch
    application = voucher.application
    issued_on = _local_date(voucher.issued_at)
    url = redeem_url(voucher)
    return {
        "title": str(batch),
        "voucher": voucher,
        "batch": batch,
        "person": voucher.person,
        "target_group": application.target_group,
        "street": application.street,
        "code_groups": voucher.display_code.split("-"),
        "face_value": format_yuan(voucher.face_value),
        "face_value_capitals": amount_in_capitals(voucher.face_value),
        "issue_date": issued_on,
        "valid_until": voucher.valid_until,
        "agency": voucher.agency,
        "redeem_url": url,
        "qr": qr_data_uri(url),
    }


def voucher_edition(voucher: Voucher) -> str:
    """What may change on a printed voucher after it is issued: the agency the household
    chooses and the validity. Each such state is rendered once; everything else on the
    voucher is as issued."""
    return f"agency {voucher.agency_id or '-'} until {voucher.valid_until}"


def _voucher_draft(voucher: Voucher) -> DocumentDraft:
    voucher = Voucher.objects.select_related(
        "batch", "person", "agency", "application__target_group", "application__street"
    ).get(pk=voucher.pk)
    return DocumentDraft(
        template="vouchers/pdf/voucher.html",
        context=voucher_context(voucher),
        filename=filename_for(voucher, "pdf"),
        kind=str(_("Employment voucher")),
        # The code redeems the voucher: the public check shows only its last four characters.
        number=f"{voucher.batch} ****{voucher.code[-4:]}",
        agency=voucher.agency.name if voucher.agency_id else "",
        amount=voucher.face_value,
        issued_on=_local_date(voucher.issued_at),
        purpose="voucher",
    )


def voucher_pdf(voucher: Voucher) -> bytes:
    """The printable voucher: holder (masked ID only), face value, code, QR code, instructions.

    Issued through the documents service: rendered the first time it is asked for (and again
    only when the household's chosen agency or the validity changes), then served as stored."""
    return issued_pdf(
        voucher, edition=voucher_edition(voucher), draft=lambda: _voucher_draft(voucher)
    )


# --- the settlement statement (结算单) ---------------------------------------------------------


def _line(voucher: Voucher) -> dict:
    service = getattr(voucher, "service", None)
    return {
        "code": voucher.display_code,
        "holder": voucher.person.name,
        "holder_id": voucher.person.id_masked,
        "service_date": service.service_date if service else None,
        "kind": service.kind.name if service else "",
        "worker": service.worker.person.name if service else "",
        "hours": service.hours if service else None,
        "face_value": voucher.face_value,
    }


def settlement_context(settlement: Settlement) -> dict:
    lines = [_line(v) for v in selectors.settlement_lines(settlement)]
    total = sum((line["face_value"] for line in lines), Decimal("0.00"))
    return {
        "title": _("Employment voucher settlement statement"),
        "notice_number": settlement.number,
        "settlement": settlement,
        "agency": settlement.agency,
        "batch": settlement.batch,
        "month": _month_label(settlement.month),
        "lines": lines,
        "lines_total": total,
        "amount": format_yuan(settlement.amount),
        "amount_capitals": amount_in_capitals(settlement.amount),
        "created_by": _user_name(settlement.created_by),
        "created_on": _local_date(settlement.created_at),
        "paid_by": _user_name(settlement.paid_by),
        "issue_date": _local_date(settlement.created_at),
    }


def _settlement(settlement: Settlement) -> Settlement:
    return Settlement.objects.select_related("batch", "agency", "created_by", "paid_by").get(
        pk=settlement.pk
    )


def settlement_edition(settlement: Settlement) -> str:
    """A statement is printed once awaiting payment and once paid (a payment is recorded only
    once); its vouchers and amount never change."""
    return str(settlement.status)


def _settlement_draft(settlement: Settlement) -> DocumentDraft:
    settlement = _settlement(settlement)
    return DocumentDraft(
        template="vouchers/pdf/settlement.html",
        context=settlement_context(settlement),
        filename=filename_for(settlement, "pdf"),
        kind=str(_("Employment voucher settlement statement")),
        number=settlement.number,
        agency=settlement.agency.name,
        amount=settlement.amount,
        issued_on=_local_date(settlement.created_at),
        purpose="settlement",
    )


def settlement_pdf(settlement: Settlement) -> bytes:
    """The settlement statement, issued through the documents service like the voucher."""
    return issued_pdf(
        settlement,
        edition=settlement_edition(settlement),
        draft=lambda: _settlement_draft(settlement),
    )


def _autosize(sheet, widths: dict[int, float]) -> None:
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width


def _xlsx_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


SETTLEMENT_HEADER_ROW = 9  # where the voucher table starts (after the header block)


def settlement_columns() -> list[str]:
    return [
        _("No."),
        _("Voucher code"),
        _("Holder"),
        _("ID number (masked)"),
        _("Service date"),
        _("Service kind"),
        _("Worker"),
        _("Hours"),
        _("Face value (yuan)"),
    ]


def settlement_xlsx(settlement: Settlement) -> bytes:
    """Header block, one row per voucher, a total row (SUM formula) and the stored amount."""
    settlement = _settlement(settlement)
    context = settlement_context(settlement)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Settlement statement")
    sheet["A1"] = f"{context['title']} {settlement.number}"
    sheet["A1"].font = Font(size=14)
    block = [
        (_("Agency"), settlement.agency.name),
        (_("Batch"), str(settlement.batch)),
        (_("Month"), context["month"]),
        (_("Status"), settlement.get_status_display()),
        (
            _("Drawn up by"),
            f"{context['created_by']} {date_format(context['created_on'])}",
        ),
        (
            _("Paid on"),
            date_format(settlement.paid_on) if settlement.paid_on else "",
        ),
    ]
    for offset, (label, value) in enumerate(block, start=2):
        sheet.cell(row=offset, column=1, value=label).font = Font(color="555555")
        set_cell(sheet, offset, 2, value)
    header = SETTLEMENT_HEADER_ROW
    for column, title in enumerate(settlement_columns(), start=1):
        style_header_cell(sheet.cell(row=header, column=column, value=title), required=False)
    row = header
    for row, line in enumerate(context["lines"], start=header + 1):
        values = [
            row - header,
            line["code"],
            line["holder"],
            line["holder_id"],
            line["service_date"],
            line["kind"],
            line["worker"],
            line["hours"],
            line["face_value"],
        ]
        for column, value in enumerate(values, start=1):
            cell = set_cell(sheet, row, column, value)
            if column == 5:
                cell.number_format = "yyyy-mm-dd"
            elif column == 8:
                cell.number_format = "0.0"
            elif column == 9:
                cell.number_format = MONEY_FORMAT
    escape_formulas(sheet)  # an agency's or holder's name stays text, even "=…"
    first, last = header + 1, max(row, header + 1)
    total_row = row + 1
    sheet.cell(row=total_row, column=1, value=_("Total"))
    sheet.cell(row=total_row, column=2, value=f"=COUNTA(B{first}:B{last})")
    total = sheet.cell(row=total_row, column=9, value=f"=SUM(I{first}:I{last})")
    total.number_format = MONEY_FORMAT
    stored_row = total_row + 1
    sheet.cell(row=stored_row, column=1, value=_("Amount of the statement"))
    sheet.cell(row=stored_row, column=2, value=settlement.voucher_count)
    stored = sheet.cell(row=stored_row, column=9, value=settlement.amount)
    stored.number_format = MONEY_FORMAT
    sheet.cell(
        row=stored_row + 1,
        column=1,
        value=_("In words: RMB %(amount)s") % {"amount": context["amount_capitals"]},
    )
    for r in (total_row, stored_row):
        for column in range(1, 10):
            sheet.cell(row=r, column=column).font = Font(bold=True)
    sheet.freeze_panes = sheet.cell(row=header + 1, column=1)
    _autosize(sheet, {1: 14, 2: 16, 3: 10, 4: 21, 5: 12, 6: 12, 7: 10, 8: 8, 9: 14})
    print_landscape_one_page_wide(sheet)
    sheet.print_title_rows = f"{header}:{header}"
    return _xlsx_bytes(book)


# --- progress (应发尽发) ----------------------------------------------------------------------


def _percent(part, whole) -> float:
    return round(float(part) * 100 / float(whole), 1) if whole else 0.0


def _progress_overall_sheet(overall, figures: dict) -> None:
    """The first sheet: the batch's figures against its count and value, then its applications."""
    overall.title = _("Overall")
    overall["A1"] = _("%(batch)s: progress on %(date)s") % {
        "batch": figures["batch"],
        "date": date_format(timezone.localdate()),
    }
    overall["A1"].font = Font(size=14)
    headers = [
        _("Figure"),
        _("Vouchers"),
        _("Amount (yuan)"),
        # xgettext:no-python-format
        _("% of vouchers"),
        # xgettext:no-python-format
        _("% of amount"),
    ]
    for column, title in enumerate(headers, start=1):
        style_header_cell(overall.cell(row=3, column=column, value=title), required=False)
    count, total = figures["count"], figures["total"]
    rows = [
        (_("Batch (planned)"), count, total),
        (_("Issued"), figures["issued"], figures["issued_amount"]),
        (_("Redeemed (home service done)"), figures["redeemed"], figures["redeemed_amount"]),
        (_("Verified"), figures["verified"], figures["verified_amount"]),
        (_("Reimbursed"), figures["reimbursed"], figures["reimbursed_amount"]),
        (_("Not yet issued"), figures["remaining"], figures["remaining_amount"]),
    ]
    for row, (label, n, amount) in enumerate(rows, start=4):
        overall.cell(row=row, column=1, value=label)
        overall.cell(row=row, column=2, value=n)
        overall.cell(row=row, column=3, value=amount).number_format = MONEY_FORMAT
        overall.cell(row=row, column=4, value=_percent(n, count))
        overall.cell(row=row, column=5, value=_percent(amount, total))
    apps = figures["applications"]
    heading = 4 + len(rows) + 1
    overall.cell(row=heading, column=1, value=_("Applications")).font = Font(bold=True)
    for row, (label, n) in enumerate(
        [
            (_("Applications (not rejected)"), apps["total"]),
            (_("Awaiting review"), apps["waiting"]),
            (_("Approved, voucher not yet issued"), apps["approved"]),
            (_("Rejected"), apps["rejected"]),
            (_("Vouchers voided"), figures["voided"]),
        ],
        start=heading + 1,
    ):
        overall.cell(row=row, column=1, value=label)
        overall.cell(row=row, column=2, value=n)
    _autosize(overall, {1: 34, 2: 12, 3: 16, 4: 12, 5: 12})


def _progress_breakdown_sheet(sheet, first_header: str, items: list[dict]) -> None:
    """One row per target group or street, a bold SUM row under them, the header wrapped."""
    group_headers = [
        _("Applications"),
        _("Issued"),
        _("Issued amount (yuan)"),
        _("Redeemed"),
        _("Verified"),
        _("Reimbursed"),
        _("Reimbursed amount (yuan)"),
    ]
    for column, header in enumerate([first_header, *group_headers], start=1):
        style_header_cell(sheet.cell(row=1, column=column, value=header), required=False)
    row = 1
    for row, item in enumerate(items, start=2):
        values = [
            item["name"],
            item["applications"],
            item["issued"],
            item["issued_amount"],
            item["redeemed"],
            item["verified"],
            item["reimbursed"],
            item["reimbursed_amount"],
        ]
        for column, value in enumerate(values, start=1):
            # set_cell keeps a name typed as "=…" text; only the totals below are formulas.
            cell = set_cell(sheet, row, column, value)
            if column in (4, 8):
                cell.number_format = MONEY_FORMAT
    if items:
        total_row = row + 1
        sheet.cell(row=total_row, column=1, value=_("Total")).font = Font(bold=True)
        for column in range(2, 9):
            letter = get_column_letter(column)
            cell = sheet.cell(row=total_row, column=column, value=f"=SUM({letter}2:{letter}{row})")
            cell.font = Font(bold=True)
            if column in (4, 8):
                cell.number_format = MONEY_FORMAT
    sheet.freeze_panes = "B2"
    _autosize(sheet, {1: 20, 2: 10, 3: 10, 4: 16, 5: 10, 6: 10, 7: 10, 8: 18})
    for cells in sheet.iter_rows(min_row=1, max_row=1):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")


def progress_xlsx(batch: VoucherBatch) -> bytes:
    """Sheets: overall figures against the batch's count and value, by target group, by street."""
    figures = selectors.progress(batch)
    book = Workbook()
    _progress_overall_sheet(book.active, figures)
    for title, first_header, key in (
        (_("By target group"), _("Target group"), "by_group"),
        (_("By street"), _("Street or town"), "by_street"),
    ):
        _progress_breakdown_sheet(book.create_sheet(title[:31]), first_header, figures[key])
    return _xlsx_bytes(book)


# --- file names ------------------------------------------------------------------------------

_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def filename_for(obj, ext: str) -> str:
    """``就业券-7KQM-4XRT-2HB.pdf``, ``结算单-昆人社家券结〔2026〕0001号.xlsx``,
    ``就业券进度-2026年促进就业券.xlsx``: no path separators, spaces or characters Windows
    refuses."""
    ext = ext.lstrip(".").lower()
    if isinstance(obj, Voucher):
        stem = f"{VOUCHER_FILE_PREFIX}-{obj.display_code}"
    elif isinstance(obj, Settlement):
        stem = f"{SETTLEMENT_FILE_PREFIX}-{obj.number}"
    elif isinstance(obj, VoucherBatch):
        stem = f"{PROGRESS_FILE_PREFIX}-{obj}"
    else:
        raise TypeError(f"no file name for {type(obj).__name__}")
    return f"{_UNSAFE.sub('_', stem).strip('._')}.{ext}"
