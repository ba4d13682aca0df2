"""Agencies in the admin: list, review actions, details, alliance, workers summary."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.audit.admin import AuditHistoryMixin
from kunqu_jiafu.web.admin_kit.common import (
    ExportXlsxMixin,
    ReadOnlyInline,
    ServiceSaveMixin,
    short_date,
    status_badge,
)
from kunqu_jiafu.web.admin_kit.review import ReviewActionsMixin

from .. import rules, selectors, workflow
from ..models import (
    Agency,
    EmployeeSystemFiling,
    Recognition,
    Worker,
)
from ..services import registration
from .common import AGENCY_ACTION_TONES, AGENCY_TONES, COLOUR_TONES
from .exports import AgencyExport
from .filters import (
    FormatFilter,
    RecognitionKindFilter,
    RegistrationYearFilter,
)
from .forms import (
    AgencyAdminForm,
)


class RecognitionInline(ReadOnlyInline):
    model = Recognition
    fields = ("kind", "year", "granted_on", "valid_until", "status", "status_reason")
    readonly_fields = fields
    verbose_name_plural = _("recognitions")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("kind")


class FilingInline(ReadOnlyInline):
    model = EmployeeSystemFiling
    fields = ("status", "submitted_at", "qualifying_workers", "threshold_workers", "decided_at")
    readonly_fields = fields
    verbose_name_plural = _("employee-system filings")


# --- agencies -------------------------------------------------------------------------------


@admin.register(Agency)
class AgencyAdmin(
    ReviewActionsMixin, AuditHistoryMixin, ServiceSaveMixin, ExportXlsxMixin, admin.ModelAdmin
):
    form = AgencyAdminForm
    review_table = workflow.AGENCY_TRANSITIONS
    status_tones = AGENCY_TONES
    action_tones = AGENCY_ACTION_TONES
    export_resource = AgencyExport
    change_form_template = "admin/kit/review_change_form.html"
    list_display = (
        "name",
        "uscc",
        "street",
        "formats_display",
        "status_display",
        "registered_display",
        "alliance_display",
        "recognitions_display",
        "workers_display",
    )
    list_filter = (
        "status",
        "street",
        ("formats", FormatFilter),
        RecognitionKindFilter,
        RegistrationYearFilter,
        "alliance_member",
    )
    search_fields = ("name", "uscc", "legal_representative")
    search_help_text = _("Search by agency name, credit code or legal representative.")
    date_hierarchy = "created_at"
    list_per_page = 50
    inlines = (RecognitionInline, FilingInline)
    readonly_fields = (
        "status_display",
        "status_reason",
        "registered_on",
        "license_link",
        "workers_summary",
        "enterprise_size_display",
        "created_at",
        "updated_at",
    )
    save_on_top = False

    def get_queryset(self, request):
        workers = (
            Worker.objects.filter(agency=OuterRef("pk"), left_on__isnull=True)
            .order_by()
            .values("agency")
            .annotate(n=Count("pk"))
            .values("n")
        )
        recognitions = (
            Recognition.objects.filter(agency=OuterRef("pk"), status=Recognition.Status.VALID)
            .order_by()
            .values("agency")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return selectors.agencies_for_user(request.user).annotate(
            workers_total=Coalesce(Subquery(workers), 0),
            recognitions_total=Coalesce(Subquery(recognitions), 0),
        )

    def get_fieldsets(self, request, obj=None):
        editable = self.has_change_permission(request, obj)
        licence = ("license_link", "license_file") if editable else ("license_link",)
        return (
            (
                _("Registration"),
                {"fields": (("registered_on", "created_at"), "status_reason")},
            ),
            (
                _("Agency details"),
                {
                    "fields": (
                        "name",
                        "uscc",
                        "uscc_override_reason",
                        "legal_representative",
                        ("contact_name", "phone"),
                        "address",
                        "street",
                        "formats",
                        ("founded_on", "employee_count"),
                    )
                },
            ),
            (_("Business licence"), {"fields": licence}),
            (
                _("Enterprise size"),
                {
                    "fields": (
                        ("size_staff", "size_revenue", "size_year"),
                        "enterprise_size_display",
                    )
                },
            ),
            (_("Agency alliance"), {"fields": (("alliance_member", "alliance_joined_on"),)}),
            (_("Workers"), {"fields": ("workers_summary",)}),
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        # No "add/change street" shortcuts inside an agency form: reference data has its page.
        if formfield is not None and isinstance(formfield.widget, RelatedFieldWidgetWrapper):
            formfield.widget = formfield.widget.widget
        return formfield

    def has_add_permission(self, request):
        return False  # agencies apply through the portal

    def has_delete_permission(self, request, obj=None):
        return False  # never deleted: deregister instead

    def review_perform(self, request, obj, action, reason):
        return registration.agency_transition(
            actor=request.user, agency=obj, action=action, reason=reason
        )

    def review_summary(self, obj):
        return [
            (gettext("credit code"), obj.uscc),
            (gettext("legal representative"), obj.legal_representative),
            (gettext("street or town"), obj.street.name),
            (gettext("applied at"), timezone.localtime(obj.created_at).strftime("%Y-%m-%d %H:%M")),
            (gettext("reason for the last decision"), obj.status_reason or "—"),
        ]

    @admin.display(description=_("business formats"))
    def formats_display(self, obj):
        return "、".join(f.name for f in obj.formats.all())

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, obj):
        return status_badge(obj, AGENCY_TONES)

    @admin.display(description=_("registration date"), ordering="registered_on")
    def registered_display(self, obj):
        return short_date(obj.registered_on)

    @admin.display(description=_("alliance"), ordering="alliance_member", boolean=True)
    def alliance_display(self, obj):
        return obj.alliance_member

    @admin.display(description=_("recognitions"), ordering="recognitions_total")
    def recognitions_display(self, obj):
        return getattr(obj, "recognitions_total", None)

    @admin.display(description=_("workers"), ordering="workers_total")
    def workers_display(self, obj):
        count = getattr(obj, "workers_total", None)
        url = reverse("admin:agencies_worker_changelist") + f"?agency__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, count)

    @admin.display(description=_("business licence"))
    def license_link(self, obj):
        if not obj.license_id:
            return gettext("Not uploaded")
        document = obj.license
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a> <span class="kj-muted">{}</span>',
            document.get_absolute_url() + "?inline=1",
            document.original_name,
            filesizeformat(document.size),
        )

    @admin.display(description=_("enterprise size"))
    def enterprise_size_display(self, obj):
        if obj.pk is None:
            return "—"
        return selectors.enterprise_size_label(selectors.agency_enterprise_size(obj))

    @admin.display(description=_("active workers"))
    def workers_summary(self, obj):
        if obj.pk is None:
            return "—"
        today = timezone.localdate()
        policy = selectors.policy_for_year(today.year)
        counts = selectors.worker_status_counts(
            selectors.active_workers(obj), today=today, policy=policy
        )
        colours = [
            (
                rules.STATUS_LABELS[colour],
                COLOUR_TONES[colour],
                counts[colour],
                reverse("admin:agencies_worker_changelist")
                + f"?agency__id__exact={obj.pk}&employed=yes&colour={colour}",
            )
            for colour in (rules.GREEN, rules.YELLOW, rules.RED)
        ]
        figures = selectors.filing_figures_for(obj, policy)
        return render_to_string(
            "admin/agencies/agency/workers_summary.html",
            {
                "colours": colours,
                "figures": figures,
                "list_url": reverse("admin:agencies_worker_changelist")
                + f"?agency__id__exact={obj.pk}&employed=yes",
            },
        )


# --- workers --------------------------------------------------------------------------------
