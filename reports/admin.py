"""The report runs in the back office: a read-only list (who asked, when, state, error) whose
rows open the run's own page, where it is followed, retried and downloaded."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import ReportRun


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):
    list_display = ("period", "status", "requested", "created_at", "finished_at", "attempts")
    list_filter = ("status", "year", "scheduled")
    list_select_related = ("requested_by",)
    list_per_page = 50
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return selectors.runs_for_user(request.user)

    @admin.display(description=_("period"), ordering="year")
    def period(self, run: ReportRun):
        return format_html(
            '<a href="{}">{}</a>', reverse("reports:run", args=[run.pk]), run.period_label
        )

    @admin.display(description=_("requested by"))
    def requested(self, run: ReportRun) -> str:
        if run.scheduled:
            return _("the schedule")
        user = run.requested_by
        return (user.get_full_name() or user.username) if user else ""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
