"""Home services and follow-up calls as read-only records in the admin: written by the
agencies' redemption and the vouchers' follow-up action."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.web.admin_kit.common import short_date

from ..models import FollowUp, Service
from .common import OfficialsReadOnlyMixin, clip, local_time
from .filters import SatisfactionFilter
from .search import SearchByCodeMixin

# --- records: home services and follow-up calls --------------------------------------------------


class RecordAdmin(OfficialsReadOnlyMixin, admin.ModelAdmin):
    """A read-only record: written by the agencies' redemption and the follow-up action."""

    list_per_page = 50
    empty_value_display = "—"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("voucher code"), ordering="voucher__code")
    def voucher_link(self, obj):
        return format_html(
            '<a class="vc-code" href="{}">{}</a>',
            reverse("admin:vouchers_voucher_change", args=[obj.voucher_id]),
            obj.voucher.display_code,
        )

    @admin.display(description=_("holder"), ordering="voucher__person__name")
    def holder_name(self, obj):
        return obj.voucher.person.name


@admin.register(Service)
class ServiceAdmin(SearchByCodeMixin, RecordAdmin):
    code_lookup = "voucher__code"
    id_lookup = "voucher__person__id_hash"
    list_display = (
        "voucher_link",
        "holder_name",
        "agency_name",
        "service_date_display",
        "kind",
        "worker_name",
        "hours",
        "redeemed_at_display",
        "redeemed_by",
    )
    list_filter = (("agency", admin.RelatedOnlyFieldListFilter), "kind")
    search_fields = ("voucher__person__name", "worker__person__name")
    date_hierarchy = "service_date"
    fields = (
        "voucher_link",
        "holder_name",
        "agency_name",
        "service_date",
        "kind",
        "worker_name",
        "hours",
        "note",
        "redeemed_at_display",
        "redeemed_by",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return Service.objects.select_related(
            "voucher__person", "agency", "kind", "worker__person", "redeemed_by"
        )

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        changelist.search_help_text = gettext("Search by voucher code, holder or worker name.")
        return changelist

    @admin.display(description=_("agency"), ordering="agency__name")
    def agency_name(self, obj):
        return clip(obj.agency.name)

    @admin.display(description=_("service date"), ordering="service_date")
    def service_date_display(self, obj):
        return short_date(obj.service_date)

    @admin.display(description=_("worker"), ordering="worker__person__name")
    def worker_name(self, obj):
        return obj.worker.person.name

    @admin.display(description=_("redeemed at"), ordering="redeemed_at")
    def redeemed_at_display(self, obj):
        return local_time(obj.redeemed_at)


@admin.register(FollowUp)
class FollowUpAdmin(SearchByCodeMixin, RecordAdmin):
    code_lookup = "voucher__code"
    id_lookup = "voucher__person__id_hash"
    list_display = (
        "voucher_link",
        "holder_name",
        "agency_name",
        "called_on_display",
        "reached",
        "satisfaction",
        "remarks_display",
        "recorded_by",
    )
    list_filter = ("reached", SatisfactionFilter)
    search_fields = ("voucher__person__name",)
    date_hierarchy = "called_on"
    fields = (
        "voucher_link",
        "holder_name",
        "agency_name",
        "called_on",
        "reached",
        "satisfaction",
        "remarks",
        "recorded_by",
        "created_at",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return FollowUp.objects.select_related("voucher__person", "voucher__agency", "recorded_by")

    @admin.display(description=_("agency"), ordering="voucher__agency__name")
    def agency_name(self, obj):
        return clip(obj.voucher.agency.name) if obj.voucher.agency_id else "—"

    @admin.display(description=_("called on"), ordering="called_on")
    def called_on_display(self, obj):
        return short_date(obj.called_on)

    @admin.display(description=_("remarks"))
    def remarks_display(self, obj):
        return clip(obj.remarks) if obj.remarks else "—"
