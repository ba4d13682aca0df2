"""Monthly settlement statements (结算单): drawing them up per agency, their vouchers, the PDF
and XLSX, and recording the payment (an approver who did not draw the statement up)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agencies import selectors as agency_selectors
from kunqu_jiafu.audit.admin import AuditHistoryMixin
from kunqu_jiafu.documents.money import amount_in_capitals
from kunqu_jiafu.web.admin_kit.common import (
    READ_ONLY_BUTTONS,
    ExportXlsxMixin,
    short_date,
    status_badge,
)

from .. import permissions, selectors
from ..models import Settlement
from ..services.settlement import settlement_create, settlement_mark_paid
from ..workflow import SETTLEMENT_TRANSITIONS
from .common import (
    SETTLEMENT_TONES,
    VoucherActionsMixin,
    clip,
    figure,
    file_response,
    local_time,
    message_of,
    month_label,
)
from .exports import SettlementExport
from .filters import MonthFilter
from .forms import MarkPaidForm, SettlementDrawForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@admin.register(Settlement)
class SettlementAdmin(VoucherActionsMixin, AuditHistoryMixin, ExportXlsxMixin, admin.ModelAdmin):
    review_table = SETTLEMENT_TRANSITIONS
    review_bulk_actions = frozenset()  # each payment is recorded on its statement's page
    status_tones = SETTLEMENT_TONES
    action_tones = {"mark_paid": "positive"}
    export_resource = SettlementExport
    change_list_template = "admin/vouchers/settlement/change_list.html"
    change_form_template = "admin/vouchers/settlement/change_form.html"
    list_display = (
        "number",
        "agency_name",
        "month_display",
        "voucher_count",
        "amount_display",
        "status_display",
        "paid_on_display",
    )
    list_filter = (
        "status",
        ("agency", admin.RelatedOnlyFieldListFilter),
        "batch",
        MonthFilter,
    )
    search_fields = ("number", "agency__name", "agency__uscc")
    search_help_text = _("Search by statement number, agency name or credit code.")
    list_per_page = 50
    empty_value_display = "—"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "number",
                    ("agency_link", "batch"),
                    ("month_display", "voucher_count", "amount_display"),
                    "amount_capitals",
                    ("created_by", "created_at_display"),
                )
            },
        ),
        (_("Payment"), {"fields": (("paid_on", "paid_by", "payment_reference"),)}),
        (_("Vouchers on the statement"), {"fields": ("lines_display",)}),
    )

    def get_queryset(self, request):
        return selectors.settlements_for_user(request.user)

    def get_readonly_fields(self, request, obj=None):
        names = []
        for _name, options in self.fieldsets:
            for entry in options["fields"]:
                names.extend(entry if isinstance(entry, tuple) else (entry,))
        return names

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = forms.ModelForm  # every field is read only
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request, obj, form, change):
        pass  # statements change only through settlement_create and settlement_mark_paid

    def has_add_permission(self, request):
        return False  # statements are drawn up on the "draw up statements" page

    def has_delete_permission(self, request, obj=None):
        return False  # numbered statements are kept

    def _may_draw(self, request) -> bool:
        return (
            request.user.has_perm("vouchers.add_settlement")
            and permissions.can_handle(request.user)[0]
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "draw_url": reverse("admin:vouchers_settlement_draw")
            if self._may_draw(request)
            else "",
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = READ_ONLY_BUTTONS | {"title": gettext("Settlement statement")}
        obj = self.get_object(request, object_id)
        if obj is not None:
            context["statement_pdf_url"] = reverse("admin:vouchers_settlement_pdf", args=[obj.pk])
            context["statement_xlsx_url"] = reverse("admin:vouchers_settlement_xlsx", args=[obj.pk])
        return super().change_view(request, object_id, form_url, context | (extra_context or {}))

    # --- recording the payment ---

    def review_form(self, request, obj, transition, data):
        return MarkPaidForm(data)

    def review_refusal(self, request, obj, transition):
        allowed, reason = permissions.can_mark_paid(request.user, obj)
        return "" if allowed else reason

    def review_perform(self, request, obj, action, reason, paid_on=None, reference="", **extra):
        if action != "mark_paid":
            raise ValueError(action)
        return settlement_mark_paid(
            actor=request.user, settlement=obj, paid_on=paid_on, reference=reference or ""
        )

    def review_summary(self, obj):
        return [
            (gettext("agency"), obj.agency.name),
            (gettext("month"), month_label(obj.month)),
            (gettext("vouchers"), obj.voucher_count),
            (
                gettext("amount (yuan)"),
                f"{figure(obj.amount)}（{amount_in_capitals(obj.amount)}）",
            ),
            (
                gettext("drawn up by"),
                f"{obj.created_by.get_full_name() or obj.created_by}（{local_time(obj.created_at)}）",
            ),
        ]

    # --- drawing up statements ---

    def get_urls(self):
        return [
            path(
                "draw/",
                self.admin_site.admin_view(self.draw_view),
                name="vouchers_settlement_draw",
            ),
            path(
                "<int:pk>/pdf/",
                self.admin_site.admin_view(self.pdf_view),
                name="vouchers_settlement_pdf",
            ),
            path(
                "<int:pk>/xlsx/",
                self.admin_site.admin_view(self.xlsx_view),
                name="vouchers_settlement_xlsx",
            ),
            *super().get_urls(),
        ]

    def draw_view(self, request):
        if not self._may_draw(request):
            raise PermissionDenied
        source = request.POST if request.method == "POST" else request.GET
        if "batch" not in source:
            # First visit: show last month's figures of the current batch straight away.
            initial = SettlementDrawForm()
            source = {name: initial[name].initial for name in ("batch", "month")}
        form = SettlementDrawForm(source)
        rows, totals = [], None
        if form.is_valid():
            batch, month = form.cleaned_data["batch"], form.cleaned_data["month"]
            if request.method == "POST":
                self._draw(request, batch, month, request.POST.get("agency", ""))
                query = urlencode({"batch": batch.pk, "month": f"{month:%Y-%m}"})
                return redirect(reverse("admin:vouchers_settlement_draw") + "?" + query)
            rows, totals = self._candidates(batch, month)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Draw up settlement statements"),
            "subtitle": None,
            "form": form,
            "rows": rows,
            "totals": totals,
            "checked": form.is_valid(),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/vouchers/settlement/draw.html", context)

    def _candidates(self, batch, month):
        existing = selectors.statements_of_month(batch, month)
        rows = []
        for row in selectors.settlement_candidates(batch, month):
            statement = existing.get(row["agency_id"])
            rows.append(
                {
                    "agency_id": row["agency_id"],
                    "agency": row["agency__name"],
                    "vouchers": row["vouchers"],
                    "amount": row["amount"] or Decimal("0.00"),
                    "amount_text": figure(row["amount"]),
                    "statement": statement,
                    "statement_url": reverse(
                        "admin:vouchers_settlement_change", args=[statement.pk]
                    )
                    if statement
                    else "",
                }
            )
        totals = {
            "vouchers": sum(r["vouchers"] for r in rows),
            "amount": figure(sum((r["amount"] for r in rows), Decimal("0.00"))),
            "open": sum(1 for r in rows if not r["statement"]),
        }
        return rows, totals

    def _draw(self, request, batch, month, choice: str) -> None:
        if choice == "all":
            agency_ids = [row["agency_id"] for row in selectors.settlement_candidates(batch, month)]
        elif choice.isdecimal():
            agency_ids = [int(choice)]
        else:
            messages.error(request, gettext("Choose an agency, or all agencies."))
            return
        agencies = agency_selectors.agencies_by_id(agency_ids)
        for agency_id in agency_ids:
            agency = agencies.get(agency_id)
            if agency is None:
                messages.error(request, gettext("No such agency; reload the page and try again."))
                continue
            try:
                settlement = settlement_create(
                    actor=request.user, batch=batch, agency=agency, month=month
                )
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, f"{agency.name}：{message_of(exc)}")
            else:
                messages.success(
                    request,
                    gettext(
                        "%(agency)s: statement %(number)s drawn up, %(count)s vouchers, "
                        "%(amount)s yuan."
                    )
                    % {
                        "agency": agency.name,
                        "number": settlement.number,
                        "count": settlement.voucher_count,
                        "amount": figure(settlement.amount),
                    },
                )

    # --- downloads ---

    def _statement(self, request, pk: int) -> Settlement:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def pdf_view(self, request, pk: int):
        from .. import documents

        settlement = self._statement(request, pk)
        return file_response(
            documents.settlement_pdf(settlement),
            documents.filename_for(settlement, "pdf"),
            "application/pdf",
            inline=True,
        )

    def xlsx_view(self, request, pk: int):
        from .. import documents

        settlement = self._statement(request, pk)
        return file_response(
            documents.settlement_xlsx(settlement), documents.filename_for(settlement, "xlsx"), XLSX
        )

    # --- columns and blocks ---

    @admin.display(description=_("agency"), ordering="agency__name")
    def agency_name(self, obj):
        return clip(obj.agency.name)

    @admin.display(description=_("month"), ordering="month")
    def month_display(self, obj):
        return month_label(obj.month)

    @admin.display(description=_("amount (yuan)"), ordering="amount")
    def amount_display(self, obj):
        return figure(obj.amount)

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, obj):
        return status_badge(obj, SETTLEMENT_TONES)

    @admin.display(description=_("paid on"), ordering="paid_on")
    def paid_on_display(self, obj):
        return short_date(obj.paid_on)

    @admin.display(description=_("agency"))
    def agency_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:agencies_agency_change", args=[obj.agency_id]),
            obj.agency.name,
        )

    @admin.display(description=_("in capitals"))
    def amount_capitals(self, obj):
        return amount_in_capitals(obj.amount)

    @admin.display(description=_("drawn up at"))
    def created_at_display(self, obj):
        return local_time(obj.created_at)

    @admin.display(description=_("vouchers"))
    def lines_display(self, obj):
        lines = list(selectors.settlement_lines(obj).select_related("application__street"))
        total = sum((v.face_value for v in lines), Decimal("0.00"))
        return render_to_string(
            "admin/vouchers/settlement/lines.html",
            {
                "lines": [
                    {
                        "voucher": v,
                        "url": reverse("admin:vouchers_voucher_change", args=[v.pk]),
                        "face_value": figure(v.face_value),
                        "service": getattr(v, "service", None),
                    }
                    for v in lines
                ],
                "count": len(lines),
                "total": figure(total),
                "matches": len(lines) == obj.voucher_count and total == obj.amount,
            },
        )
