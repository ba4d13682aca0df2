"""Reference data the bureau configures: streets, business formats, yearly policy."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.web.admin_kit.reference import ReferenceAdmin

from ..models import (
    AgencyPolicy,
    BusinessFormat,
    EnterpriseSizeThreshold,
    RecognitionKind,
    Street,
)
from .forms import (
    AgencyPolicyForm,
)


@admin.register(Street)
class StreetAdmin(ReferenceAdmin):
    list_display = ("code", "name", "sort_order", "active")
    list_filter = ("active",)
    search_fields = ("code", "name")


@admin.register(BusinessFormat)
class BusinessFormatAdmin(ReferenceAdmin):
    list_display = ("name", "code", "is_key_format", "sort_order", "active")
    list_filter = ("is_key_format", "active")
    search_fields = ("code", "name")


@admin.register(AgencyPolicy)
class AgencyPolicyAdmin(ReferenceAdmin):
    form = AgencyPolicyForm
    list_display = (
        "year",
        "agency_target",
        "station_target",
        "filing_min_workers",
        "filing_min_contract_months",
        "health_check_valid_months",
    )
    fieldsets = (
        (None, {"fields": ("year",)}),
        (
            _("Yearly targets"),
            {
                "fields": (
                    ("target_new_agencies_min", "target_new_agencies_max"),
                    ("target_stations_min", "target_stations_max"),
                    ("target_centres_min", "target_centres_max"),
                    ("target_city_brands_min", "target_city_brands_max"),
                )
            },
        ),
        (
            _("Employee-system filing threshold"),
            {
                "fields": (
                    "filing_min_workers",
                    "filing_min_contract_months",
                    ("filing_valid_months", "filing_renewal_days"),
                )
            },
        ),
        (_("Workers"), {"fields": ("health_check_valid_months",)}),
    )

    @admin.display(description=_("new agencies target"))
    def agency_target(self, obj):
        return f"{obj.target_new_agencies_min}–{obj.target_new_agencies_max}"

    @admin.display(description=_("stations target"))
    def station_target(self, obj):
        return f"{obj.target_stations_min}–{obj.target_stations_max}"


@admin.register(EnterpriseSizeThreshold)
class EnterpriseSizeThresholdAdmin(ReferenceAdmin):
    list_display = ("size", "min_staff", "min_revenue", "note")
    fields = ("size", "min_staff", "min_revenue", "note")

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "subtitle": _(
                "Large, medium and small enterprises must meet both lower bounds, otherwise the "
                "enterprise falls one size down; an enterprise that meets no size's bounds is micro."
            ),
        }
        return super().changelist_view(request, extra_context)


@admin.register(RecognitionKind)
class RecognitionKindAdmin(ReferenceAdmin):
    list_display = ("name", "code", "basis", "sort_order", "active")
    list_filter = ("active",)
    search_fields = ("code", "name")

    def get_readonly_fields(self, request, obj=None):
        # Codes are what subsidy rules and earlier grants read: fixed once a kind exists.
        return ("code",) if obj is not None else ()
