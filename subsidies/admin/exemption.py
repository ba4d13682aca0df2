"""居民家庭服务费用减免 in the back office: the bureau's list of covered services (reference
data, audited) and a read-only list of every exemption claimed, household head's ID number
and address in full only for reviewers and approvers."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.accounts.roles import can_see_full_id
from kunqu_jiafu.audit.admin import AuditHistoryMixin
from kunqu_jiafu.people.admin import search_by_id_number
from kunqu_jiafu.people.household import mask_address
from kunqu_jiafu.web.admin_kit.reference import ReferenceAdmin

from .. import selectors
from ..exemption_models import ExemptionServiceKind, FeeExemption


@admin.register(ExemptionServiceKind)
class ExemptionServiceKindAdmin(ReferenceAdmin):
    list_display = ("name", "code", "description", "sort_order", "active")
    list_filter = ("active",)
    search_fields = ("code", "name")

    def get_readonly_fields(self, request, obj=None):
        # Claimed exemptions name the kind by its row; the code stays as first written.
        return ("code",) if obj is not None else ()


@admin.register(FeeExemption)
class FeeExemptionAdmin(AuditHistoryMixin, admin.ModelAdmin):
    list_display = (
        "service_date",
        "head_id_display",
        "address_display",
        "street",
        "service_kind",
        "worker_display",
        "agency_display",
        "claim_display",
        "live",
    )
    list_display_links = ("service_date",)
    list_filter = (
        ("street", admin.RelatedOnlyFieldListFilter),
        "service_kind",
        ("claim__agency", admin.RelatedOnlyFieldListFilter),
        "claim__status",
        "live",
    )
    date_hierarchy = "service_date"
    search_fields = ("claim__agency__name",)
    ordering = ("-service_date", "-pk")
    list_per_page = 50
    empty_value_display = "—"
    fields = (
        "claim_display",
        "agency_display",
        "head_id_display",
        "address_display",
        "street",
        "service_date",
        "service_kind",
        "worker_display",
        "live",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return selectors.fee_exemptions_for_user(request.user)

    def has_add_permission(self, request):
        return False  # agencies list exemptions on their claim in the portal

    def has_change_permission(self, request, obj=None):
        return False  # read-only: a claim's review decides what is paid

    def has_delete_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        found = search_by_id_number(request, queryset, search_term, "head_id_hash")
        if found is not None:
            return found, False
        return super().get_search_results(request, queryset, search_term)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        changelist.search_help_text = (
            gettext(
                "Search by agency name, or by the household head's full 18-character ID number."
            )
            if can_see_full_id(request.user)
            else gettext("Search by agency name.")
        )
        full = can_see_full_id(request.user)
        for row in changelist.result_list:
            row._full_id = full  # the columns mask per viewer
        return changelist

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj._full_id = can_see_full_id(request.user)
        return obj

    @admin.display(description=_("household head's ID number"))
    def head_id_display(self, obj):
        return obj.head_id_number if getattr(obj, "_full_id", False) else obj.head_id_masked

    @admin.display(description=_("address"))
    def address_display(self, obj):
        return obj.address if getattr(obj, "_full_id", False) else mask_address(obj.address)

    @admin.display(description=_("worker"), ordering="worker__person__name")
    def worker_display(self, obj):
        return obj.worker.person.name

    @admin.display(description=_("agency"), ordering="claim__agency__name")
    def agency_display(self, obj):
        return obj.claim.agency.name

    @admin.display(description=_("claim"), ordering="claim_id")
    def claim_display(self, obj):
        url = reverse("admin:subsidies_claim_change", args=[obj.claim_id])
        return format_html(
            '<a href="{}">{} · {}</a>', url, obj.claim.period, obj.claim.get_status_display()
        )
