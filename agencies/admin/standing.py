"""An agency's yearly standing (annual inspection, performance rating): read-only. The
inspections area writes it when an inspection or the performance evaluation is concluded
(issue 12: "the admin no longer lets anyone type them"); the list says so."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.audit.admin import AuditHistoryMixin
from kunqu_jiafu.web.admin_kit.common import badge

from ..models import AgencyStanding

INSPECTION_TONES = {
    AgencyStanding.Inspection.PENDING: "muted",
    AgencyStanding.Inspection.PASSED: "positive",
    AgencyStanding.Inspection.BASICALLY_PASSED: "warning",
    AgencyStanding.Inspection.FAILED: "negative",
}
RATING_TONES = {
    AgencyStanding.Rating.NONE: "muted",
    AgencyStanding.Rating.EXCELLENT: "positive",
    AgencyStanding.Rating.GOOD: "pending",
    AgencyStanding.Rating.QUALIFIED: "neutral",
    AgencyStanding.Rating.UNQUALIFIED: "negative",
}


@admin.register(AgencyStanding)
class AgencyStandingAdmin(AuditHistoryMixin, admin.ModelAdmin):
    change_list_template = "admin/agencies/agencystanding/change_list.html"
    list_display = ("agency", "year", "inspection_display", "rating_display", "note", "updated_at")
    list_filter = ("year", "inspection", "rating", ("agency__street", admin.RelatedFieldListFilter))
    search_fields = ("agency__name", "agency__uscc")
    list_select_related = ("agency",)
    list_per_page = 50

    fields = ("agency", "year", "inspection", "rating", "note", "updated_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # written when an inspection or evaluation is concluded

    def has_change_permission(self, request, obj=None):
        return False  # the same: the page shows the standing and its history

    def has_delete_permission(self, request, obj=None):
        return False  # the history keeps every result the inspections recorded

    @admin.display(description=_("annual inspection"), ordering="inspection")
    def inspection_display(self, obj):
        return badge(INSPECTION_TONES.get(obj.inspection, "muted"), obj.get_inspection_display())

    @admin.display(description=_("performance rating"), ordering="rating")
    def rating_display(self, obj):
        return badge(RATING_TONES.get(obj.rating, "muted"), obj.get_rating_display())
