"""The annual rounds: made by a reviewer or approver, then "plan the year" (an action on the
list, a button on the round's page) creates the round's inspections in one step. The list
counts each round's inspections by status and result (annotated: no query per row)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.audit.admin import AuditHistoryMixin
from kunqu_jiafu.web.admin_kit.common import ServiceSaveMixin, badge

from .. import permissions, selectors
from ..models import Inspection, InspectionRound
from ..services import rounds
from .forms import RoundForm
from .inspections import RESULT_TONES, STATUS_TONES


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or gettext("You may not do this.")


def _counts(obj, prefix: str, choices, tones, field: str) -> str:
    base = reverse("admin:inspections_inspection_changelist") + f"?round__id__exact={obj.pk}"
    shown = [
        (f"{base}&{field}__exact={value}", tones.get(value, "muted"), label, n)
        for value, label in choices
        if (n := getattr(obj, f"{prefix}_{value}", 0))
    ]
    if not shown:
        return "—"
    return format_html_join(
        " ",
        '<a href="{}"><span class="kj-badge kj-{}">{} {}</span></a>',
        shown,
    )


@admin.register(InspectionRound)
class InspectionRoundAdmin(AuditHistoryMixin, ServiceSaveMixin, admin.ModelAdmin):
    form = RoundForm
    change_form_template = "admin/inspections/inspectionround/change_form.html"
    list_display = (
        "title",
        "year",
        "starts_on",
        "due_on",
        "planned_display",
        "inspections_display",
        "status_display",
        "result_display",
    )
    list_display_links = ("title",)
    actions = ("plan_year",)
    list_per_page = 50
    fields = ("year", "title", "starts_on", "due_on", "planned_at", "planned_by", "closed_at")

    def get_queryset(self, request):
        return selectors.rounds_for_user(request.user)

    def get_fields(self, request, obj=None):
        return ("year", "title", "starts_on", "due_on") if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else ()

    def has_add_permission(self, request):
        return (
            super().has_add_permission(request) and permissions.can_manage_rounds(request.user)[0]
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "may_plan": permissions.can_manage_rounds(request.user)[0]
            and self.has_change_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra | (extra_context or {}))

    def response_add(self, request, obj, post_url_continue=None):
        # Straight to the round's page, where "plan the year" is offered.
        return super().response_add(
            request, obj, reverse("admin:inspections_inspectionround_change", args=[obj.pk])
        )

    @admin.display(description=_("planning"), ordering="planned_at")
    def planned_display(self, obj):
        if obj.planned_at is None:
            return badge("pending", gettext("not planned yet"))
        return badge("positive", gettext("round planned"), title=str(obj.planned_by or ""))

    @admin.display(description=_("inspections planned"), ordering="inspections_total")
    def inspections_display(self, obj):
        url = reverse("admin:inspections_inspection_changelist") + f"?round__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj.inspections_total)

    @admin.display(description=_("by status"))
    def status_display(self, obj):
        return _counts(obj, "status", Inspection.Status.choices, STATUS_TONES, "status")

    @admin.display(description=_("by result"))
    def result_display(self, obj):
        return _counts(obj, "result", Inspection.Result.choices, RESULT_TONES, "result")

    @admin.action(
        description=_("Plan the year: create the round's inspections"), permissions=["change"]
    )
    def plan_year(self, request, queryset):
        for round in queryset.order_by("year"):
            try:
                added = rounds.round_plan(actor=request.user, round=round)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, f"{round}：{_message(exc)}")
                continue
            labels = dict(Inspection._meta.get_field("subject_kind").choices)
            detail = "、".join(
                f"{labels[kind]} {n}" for kind, n in added.items() if kind != "total" and n
            )
            messages.success(
                request,
                gettext("%(round)s: %(count)s inspections added%(detail)s.")
                % {
                    "round": round,
                    "count": added["total"],
                    "detail": f"（{detail}）" if detail else "",
                },
            )
