"""资金台账: the fund ledger page on the special funds' admin and its XLSX download.

Read-only; whoever may view the special funds (业务经办, 审批领导, 统计查询) may view it. Other
apps add their part (the voucher settlements) through ``AppConfig.fund_ledger_sections(year)``,
so this page imports no other app."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext

from kunqu_jiafu.documents import xlsx

from .. import selectors
from ..ledger import fund_ledger_sheets


def ledger_year(request) -> int:
    """The year asked for (``?year=``), this year when absent or not a plausible year."""
    raw = (request.GET.get("year") or "").strip()
    if raw.isascii() and raw.isdecimal() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return timezone.localdate().year


def ledger_data(year: int) -> dict:
    """The fund ledger, its exceptions and every other app's section, for the page and XLSX."""
    ledger = selectors.fund_ledger(year)
    exceptions = selectors.fund_exceptions(year, ledger=ledger)
    sections = []
    for config in apps.get_app_configs():
        provider = getattr(config, "fund_ledger_sections", None)
        if provider is not None:
            sections.extend(provider(year))
    return {"year": year, "ledger": ledger, "exceptions": exceptions, "sections": sections}


def ledger_workbook(data: dict) -> bytes:
    """One sheet per table, then a sheet of the definitions of every figure."""
    sheets = fund_ledger_sheets(data["ledger"], data["exceptions"])
    definitions = list(data["ledger"]["definitions"])
    for section in data["sections"]:
        sheets.extend(section["sheets"])
        definitions.extend(section["definitions"])
    sheets.append((gettext("Definitions"), [gettext("Figure"), gettext("Definition")], definitions))
    book = xlsx.Workbook()
    book.remove(book.active)
    for title, headers, rows in sheets:
        xlsx.write_table(book.create_sheet(xlsx.sheet_title(title)), headers, rows)
    return xlsx.workbook_bytes(book)


class LedgerPagesMixin:
    """The special funds admin's 资金台账 page and its XLSX download."""

    def get_urls(self):
        return [
            path(
                "ledger/",
                self.admin_site.admin_view(self.ledger_view),
                name="subsidies_fund_ledger",
            ),
            path(
                "ledger/xlsx/",
                self.admin_site.admin_view(self.ledger_xlsx_view),
                name="subsidies_fund_ledger_xlsx",
            ),
            *super().get_urls(),
        ]

    def ledger_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        year = ledger_year(request)
        data = ledger_data(year)
        this_year = timezone.localdate().year
        context = {
            **self.admin_site.each_context(request),
            **data,
            "opts": self.opts,
            "title": gettext("Fund ledger"),
            "subtitle": str(year),
            "years": range(this_year + 1, this_year - 6, -1),
            "claims_url": reverse("admin:subsidies_claim_changelist"),
            "xlsx_url": reverse("admin:subsidies_fund_ledger_xlsx") + f"?year={year}",
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/subsidies/ledger.html", context)

    def ledger_xlsx_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        year = ledger_year(request)
        response = HttpResponse(
            ledger_workbook(ledger_data(year)), content_type=xlsx.XLSX_CONTENT_TYPE
        )
        filename = gettext("Fund ledger %(year)s.xlsx") % {"year": year}
        response["Content-Disposition"] = xlsx.attachment_header(
            filename, fallback=f"fund-ledger-{year}.xlsx"
        )
        return response
