"""An agency's yearly standing (annual inspection, performance rating), kept by the bureau
until the inspections area writes it; saved through standings.standing_set, so audited."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.audit.admin import AuditHistoryMixin
from kunqu_jiafu.web.admin_kit.common import ServiceSaveMixin, badge
from kunqu_jiafu.web.admin_kit.forms import ServiceForm

from ..models import Agency, AgencyStanding
from ..services import standings

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


class StandingForm(ServiceForm):
    class Meta:
        model = AgencyStanding
        fields = ("agency", "year", "inspection", "rating", "note")
        widgets = {"note": forms.Textarea(attrs={"rows": 3, "cols": 60})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "agency" in self.fields:
            self.fields["agency"].queryset = Agency.objects.filter(
                status__in=(Agency.Status.REGISTERED, Agency.Status.SUSPENDED)
            ).order_by("name")
        if "year" in self.fields and not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year)

    def clean(self):
        data = super().clean()
        agency, year = data.get("agency"), data.get("year")
        if self.instance.pk is None and agency and year:
            if AgencyStanding.objects.filter(agency=agency, year=year).exists():
                self.add_error(
                    None,
                    gettext(
                        "The standing of %(agency)s for %(year)s is already recorded; "
                        "open it to change it."
                    )
                    % {"agency": agency, "year": year},
                )
        return data

    def commit(self, actor) -> AgencyStanding:
        data = self.cleaned_data
        standing = self.instance
        return standings.standing_set(
            actor=actor,
            agency=standing.agency if standing.pk else data["agency"],
            year=standing.year if standing.pk else data["year"],
            inspection=data["inspection"],
            rating=data["rating"],
            note=(data.get("note") or "").strip(),
        )


@admin.register(AgencyStanding)
class AgencyStandingAdmin(AuditHistoryMixin, ServiceSaveMixin, admin.ModelAdmin):
    form = StandingForm
    list_display = ("agency", "year", "inspection_display", "rating_display", "note", "updated_at")
    list_filter = ("year", "inspection", "rating", ("agency__street", admin.RelatedFieldListFilter))
    search_fields = ("agency__name", "agency__uscc")
    list_select_related = ("agency",)
    list_per_page = 50

    def get_fields(self, request, obj=None):
        return ("agency", "year", "inspection", "rating", "note")

    def get_readonly_fields(self, request, obj=None):
        return ("agency", "year") if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False  # change the result instead; the history keeps every change

    @admin.display(description=_("annual inspection"), ordering="inspection")
    def inspection_display(self, obj):
        return badge(INSPECTION_TONES.get(obj.inspection, "muted"), obj.get_inspection_display())

    @admin.display(description=_("performance rating"), ordering="rating")
    def rating_display(self, obj):
        return badge(RATING_TONES.get(obj.rating, "muted"), obj.get_rating_display())
