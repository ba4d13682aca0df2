"""Rectifications: the list with status, deadline and days left, the evidence on the change
page, the action that plans the re-inspection, and the XLSX ledger."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.audit.admin import AuditHistoryMixin
from kunqu_jiafu.web.admin_kit.common import (
    READ_ONLY_BUTTONS,
    ExportXlsxMixin,
    badge,
    status_badge,
)

from .. import selectors
from ..models import Rectification
from ..services.rectifications import reinspection_plan
from .rectification_exports import RectificationExport

RECTIFICATION_TONES = {
    Rectification.Status.OPEN: "warning",
    Rectification.Status.ANSWERED: "pending",
    Rectification.Status.PASSED: "positive",
    Rectification.Status.FAILED: "negative",
    Rectification.Status.LAPSED: "negative",
}


def _message(exc: Exception) -> str:
    return "；".join(getattr(exc, "messages", None) or [str(exc)])


@admin.register(Rectification)
class RectificationAdmin(AuditHistoryMixin, ExportXlsxMixin, admin.ModelAdmin):
    export_resource = RectificationExport
    list_display = (
        "agency_name",
        "year",
        "subject",
        "status_display",
        "deadline",
        "days_left",
        "answered_at",
    )
    list_filter = ("status", "inspection__round__year", "inspection__subject_kind", "deadline")
    search_fields = ("inspection__agency__name", "inspection__agency__uscc")
    list_select_related = (
        "inspection__round",
        "inspection__agency",
        "inspection__recognition__kind",
    )
    list_per_page = 50
    actions = ["plan_reinspection"]
    fields = (
        "inspection",
        "status",
        "deadline",
        "requirements",
        "answer",
        "answered_at",
        "answered_by",
        "evidence",
        "reinspection",
        "closed_at",
        "created_at",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return selectors.rectifications_for_user(request.user).select_related("answered_by")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return super().change_view(
            request, object_id, form_url, READ_ONLY_BUTTONS | (extra_context or {})
        )

    @admin.display(description=_("agency"), ordering="inspection__agency__name")
    def agency_name(self, obj):
        return obj.inspection.agency.name

    @admin.display(description=_("year"), ordering="inspection__round__year")
    def year(self, obj):
        return obj.inspection.round.year

    @admin.display(description=_("subject"))
    def subject(self, obj):
        inspection = obj.inspection
        if inspection.recognition_id:
            return inspection.recognition.kind.name
        return inspection.get_subject_kind_display()

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, obj):
        return status_badge(obj, RECTIFICATION_TONES)

    @admin.display(description=_("days left"), ordering="deadline")
    def days_left(self, obj):
        if obj.status != Rectification.Status.OPEN:
            return "—"
        days = (obj.deadline - timezone.localdate()).days
        if days < 0:
            label = ngettext("%(n)s day overdue", "%(n)s days overdue", -days) % {"n": -days}
            return badge("negative", label)
        label = ngettext("%(n)s day left", "%(n)s days left", days) % {"n": days}
        return badge("warning" if days <= 7 else "muted", label)

    @admin.display(description=_("evidence"))
    def evidence(self, obj):
        files = list(selectors.rectification_evidence(obj))
        if not files:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a></li>',
                ((d.get_absolute_url(), d.original_name) for d in files),
            ),
        )

    @admin.display(description=_("re-inspection"))
    def reinspection(self, obj):
        found = selectors.reinspection_of(obj.inspection)
        if found is None:
            return "—"
        return f"{found.get_status_display()} · {found.get_result_display()}"

    @admin.action(description=_("Plan the re-inspection"), permissions=["change"])
    def plan_reinspection(self, request, queryset):
        done = []
        for rectification in queryset:
            try:
                reinspection_plan(actor=request.user, rectification=rectification)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, f"{rectification.inspection.agency.name}：{_message(exc)}")
            else:
                done.append(rectification.inspection.agency.name)
        if done:
            messages.success(
                request, gettext("Re-inspection planned: %(list)s.") % {"list": "、".join(done)}
            )
