"""The progress page of a batch (应发尽发) and its XLSX download, and the figures and texts
they and the dashboard panel show."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import selectors
from ..models import Voucher, VoucherBatch
from .common import figure, file_response, percent

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ProgressPagesMixin:
    """The batch admin's progress page and its XLSX download."""

    def get_urls(self):
        return [
            path(
                "progress/",
                self.admin_site.admin_view(self.progress_view),
                name="vouchers_progress",
            ),
            path(
                "progress/xlsx/",
                self.admin_site.admin_view(self.progress_xlsx_view),
                name="vouchers_progress_xlsx",
            ),
            *super().get_urls(),
        ]

    def _progress_batch(self, request) -> VoucherBatch | None:
        raw = request.GET.get("batch") or ""
        if raw.isdecimal():
            return get_object_or_404(VoucherBatch, pk=int(raw))
        return selectors.current_batch()

    def progress_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        batch = self._progress_batch(request)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Employment vouchers: progress"),
            "subtitle": str(batch) if batch else None,
            "batch": batch,
            "batches": VoucherBatch.objects.order_by("-year", "-id"),
            "p": progress_context(batch) if batch else None,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/vouchers/progress.html", context)

    def progress_xlsx_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        from .. import documents

        batch = self._progress_batch(request)
        if batch is None:
            raise PermissionDenied
        return file_response(
            documents.progress_xlsx(batch), documents.filename_for(batch, "xlsx"), XLSX
        )


def _row_text(row: dict) -> dict:
    return {
        **row,
        "issued_amount_text": figure(row["issued_amount"]),
        "reimbursed_amount_text": figure(row["reimbursed_amount"]),
    }


def _totals(rows: list[dict]) -> dict:
    keys = ("applications", "issued", "redeemed", "verified", "reimbursed")
    out = {k: sum(r[k] for r in rows) for k in keys}
    out["issued_amount_text"] = figure(sum(r["issued_amount"] for r in rows))
    out["reimbursed_amount_text"] = figure(sum(r["reimbursed_amount"] for r in rows))
    return out


def progress_context(batch: VoucherBatch) -> dict:
    """The progress figures of the batch and their texts, for the page and the panel."""
    figures = selectors.progress(batch)
    count, total = figures["count"], figures["total"]
    stages = []
    for key, label in (
        ("redeemed", _("Redeemed (home service given)")),
        ("verified", _("Verified")),
        ("reimbursed", _("Reimbursed to agencies")),
    ):
        amount = figures.get(f"{key}_amount")
        stages.append(
            {
                "key": key,
                "label": label,
                "count": figures[key],
                "amount": figure(amount),
                "percent": percent(figures[key], count),
                "of_issued": percent(figures[key], figures["issued"]),
            }
        )
    by_group = [_row_text(r) for r in figures["by_group"]]
    by_street = [_row_text(r) for r in figures["by_street"]]
    applications = (
        reverse("admin:vouchers_application_changelist") + f"?batch__id__exact={batch.pk}"
    )
    vouchers = reverse("admin:vouchers_voucher_changelist") + f"?batch__id__exact={batch.pk}"
    return {
        **figures,
        "to_verify": Voucher.objects.filter(batch=batch, status=Voucher.Status.REDEEMED).count(),
        "issued_percent": percent(figures["issued"], count),
        "amount_percent": percent(figures["issued_amount"], total),
        "text": {
            "count": f"{count:,}",
            "issued": f"{figures['issued']:,}",
            "remaining": f"{figures['remaining']:,}",
            "total": figure(total),
            "issued_amount": figure(figures["issued_amount"]),
            "remaining_amount": figure(figures["remaining_amount"]),
            "face_value": figure(figures["face_value"]),
        },
        "stages": stages,
        "by_group": by_group,
        "by_street": by_street,
        "group_totals": _totals(figures["by_group"]),
        "street_totals": _totals(figures["by_street"]),
        "links": {
            "waiting": applications + "&status__exact=submitted",
            "approved": applications + "&status__exact=approved",
            "rejected": applications + "&status__exact=rejected",
            "applications": applications,
            "vouchers": vouchers,
            "to_verify": vouchers + "&status__exact=redeemed",
            "xlsx": reverse("admin:vouchers_progress_xlsx") + f"?batch={batch.pk}",
        },
    }
