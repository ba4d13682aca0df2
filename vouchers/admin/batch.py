"""Target groups and batches with their caps; the progress page is in progress.py, the agencies
taking part in participation.py."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.audit.admin import AuditHistoryMixin
from kunqu_jiafu.web.admin_kit.common import (
    READ_ONLY_BUTTONS,
    ReadOnlyInline,
    ServiceSaveMixin,
    badge,
    short_date,
    status_badge,
)
from kunqu_jiafu.web.admin_kit.reference import ReferenceAdmin
from kunqu_jiafu.web.templatetags.bars import width_class

from .. import selectors
from ..models import Participation, TargetGroup, VoucherBatch
from ..services.batches import BATCH_FIELDS
from .common import BATCH_TONES, OfficialsReadOnlyMixin, figure, percent
from .forms import BatchForm
from .progress import ProgressPagesMixin


@admin.register(TargetGroup)
class TargetGroupAdmin(ReferenceAdmin):
    """七类特定群体: data the bureau completes; saved through the audited reference service."""

    list_display = ("name", "code", "description", "evidence_hint", "sort_order", "active")
    list_display_links = ("name",)
    list_filter = ("active",)
    search_fields = ("code", "name")
    fields = ("code", "name", "description", "evidence_hint", "sort_order", "active")

    def get_readonly_fields(self, request, obj=None):
        # Applications and the public page refer to a group by its code.
        return ("code",) if obj is not None else ()


# --- batches -----------------------------------------------------------------------------------


def bar(value, whole, tone: str = "") -> str:
    share = percent(value, whole)
    return format_html(
        '<span class="vc-minibar{}" role="progressbar" aria-valuemin="0" aria-valuemax="100" '
        'aria-valuenow="{}" title="{}%"><span class="{}"></span></span>',
        f" vc-{tone}" if tone else "",
        share,
        share,
        width_class(share),  # no style attribute: the CSP allows none (static/css/widths.css)
    )


class ParticipationInline(ReadOnlyInline):
    model = Participation
    fields = ("agency_link", "street", "joined", "active", "eligibility", "note")
    readonly_fields = fields
    verbose_name_plural = _("agencies in the programme")
    show_change_link = False  # the agency's name leads to its participation page

    def get_queryset(self, request):
        rows = super().get_queryset(request).select_related("agency__street", "batch")
        return selectors.with_last_inspection(rows)

    @admin.display(description=_("agency"))
    def agency_link(self, obj):
        return format_html(
            '<a href="{}" title="{}">{}</a>',
            reverse("admin:vouchers_participation_change", args=[obj.pk]),
            gettext("Take part or take out, note"),
            obj.agency.name,
        )

    @admin.display(description=_("street or town"))
    def street(self, obj):
        return obj.agency.street.name

    @admin.display(description=_("joined on"))
    def joined(self, obj):
        return short_date(obj.joined_on)

    @admin.display(description=_("households may choose it"))
    def eligibility(self, obj):
        eligible, reason = selectors.participation_eligibility(obj)
        if eligible:
            return badge("positive", gettext("eligible"))
        return format_html(
            '{} <span class="kj-muted">{}</span>', badge("negative", gettext("no")), reason
        )


@admin.register(VoucherBatch)
class VoucherBatchAdmin(
    ProgressPagesMixin,
    OfficialsReadOnlyMixin,
    AuditHistoryMixin,
    ServiceSaveMixin,
    admin.ModelAdmin,
):
    form = BatchForm
    change_form_template = "admin/vouchers/voucherbatch/change_form.html"
    change_list_template = "admin/vouchers/voucherbatch/change_list.html"
    list_display = (
        "__str__",
        "status_display",
        "issued_display",
        "value_display",
        "remaining_display",
        "applications_display",
        "valid_until_display",
        "agencies_display",
    )
    list_filter = ("status", "year")
    list_per_page = 50
    inlines = (ParticipationInline,)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(agencies_total=Count("participations", filter=Q(participations__active=True)))
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": (("year", "name"), "status", "one_per")}),
            (
                _("Vouchers and value"),
                {"fields": (("count", "face_value", "total"),)},
            ),
            (
                _("Dates"),
                {
                    "fields": (
                        ("applications_open_on", "applications_close_on"),
                        ("valid_from", "valid_until"),
                    )
                },
            ),
        ]
        if obj is not None:
            fieldsets.append(
                (
                    _("Out so far (moved only by issuing and voiding)"),
                    {"fields": (("issued_count", "issued_amount_display"), "remaining_display")},
                )
            )
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if not self.has_change_permission(request, obj):
            return (
                *BATCH_FIELDS,
                "issued_count",
                "issued_amount_display",
                "remaining_display",
            )
        return ("issued_count", "issued_amount_display", "remaining_display")

    def has_delete_permission(self, request, obj=None):
        return False  # applications and vouchers point at their batch

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, object_id)
        if obj is not None and not self.has_change_permission(request, obj):
            extra_context |= READ_ONLY_BUTTONS
        if obj is not None:
            extra_context["participation_add_url"] = (
                reverse("admin:vouchers_participation_add_agencies") + f"?batch={obj.pk}"
            )
            extra_context["progress_url"] = reverse("admin:vouchers_progress") + f"?batch={obj.pk}"
        return super().change_view(request, object_id, form_url, extra_context)

    # --- columns ---

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, obj):
        return status_badge(obj, BATCH_TONES)

    @admin.display(description=_("vouchers out"), ordering="issued_count")
    def issued_display(self, obj):
        return format_html(
            '<span class="vc-figure">{} / {}</span>{}',
            f"{obj.issued_count:,}",
            f"{obj.count:,}",
            bar(obj.issued_count, obj.count),
        )

    @admin.display(description=_("value out (yuan)"), ordering="issued_amount")
    def value_display(self, obj):
        return format_html(
            '<span class="vc-figure">{} / {}</span>{}',
            figure(obj.issued_amount),
            figure(obj.total),
            bar(obj.issued_amount, obj.total, "blue"),
        )

    @admin.display(description=pgettext_lazy("batch", "remaining"))
    def remaining_display(self, obj):
        return gettext("%(count)s vouchers, %(amount)s yuan") % {
            "count": f"{obj.remaining_count:,}",
            "amount": figure(obj.remaining_amount),
        }

    @admin.display(description=_("value out (yuan)"))
    def issued_amount_display(self, obj):
        return figure(obj.issued_amount)

    @admin.display(description=_("applications taken"))
    def applications_display(self, obj):
        return f"{short_date(obj.applications_open_on)} – {short_date(obj.applications_close_on)}"

    @admin.display(description=_("vouchers valid until"), ordering="valid_until")
    def valid_until_display(self, obj):
        return short_date(obj.valid_until)

    @admin.display(description=_("agencies"), ordering="agencies_total")
    def agencies_display(self, obj):
        url = reverse("admin:vouchers_participation_changelist") + f"?batch__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj.agencies_total)
