"""Employee-system filings: read-only figures, decisions with reasons."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.audit.admin import AuditHistoryMixin
from kunqu_jiafu.web.admin_kit.common import READ_ONLY_BUTTONS, ExportXlsxMixin, status_badge
from kunqu_jiafu.web.admin_kit.review import ReviewActionsMixin

from .. import selectors, workflow
from ..models import (
    EmployeeSystemFiling,
)
from ..services import filings
from .common import FILING_ACTION_TONES, FILING_TONES
from .exports import FilingExport
from .filters import (
    SubmissionYearFilter,
)


@admin.register(EmployeeSystemFiling)
class EmployeeSystemFilingAdmin(
    ReviewActionsMixin, AuditHistoryMixin, ExportXlsxMixin, admin.ModelAdmin
):
    review_table = workflow.FILING_TRANSITIONS
    status_tones = FILING_TONES
    action_tones = FILING_ACTION_TONES
    export_resource = FilingExport
    change_form_template = "admin/kit/review_change_form.html"
    list_display = (
        "agency",
        "status_display",
        "figures_display",
        "meets_threshold",
        "submitted_at",
        "valid_until",
        "decided_by",
    )
    list_filter = ("status", "meets_threshold", SubmissionYearFilter)
    search_fields = ("agency__name", "agency__uscc")
    date_hierarchy = "submitted_at"
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("agency", "submitted_at")}),
        (
            _("Declarations"),
            {
                "fields": (
                    "signs_customer_contracts",
                    "dispatches_workers",
                    "pays_wages_directly",
                    "trains_continuously",
                )
            },
        ),
        (
            _("Figures from the worker records at submission"),
            {
                "fields": (
                    "total_workers",
                    "contracted_workers",
                    "insured_workers",
                    "qualifying_workers",
                    ("threshold_workers", "threshold_months"),
                    "meets_threshold",
                )
            },
        ),
        (
            _("Decision"),
            {"fields": ("decided_at", "decided_by", "decision_reason", "filed_on")},
        ),
        (
            _("Term"),
            {"fields": (("valid_from", "valid_until"), "renews", "ended_on", "end_reason")},
        ),
    )

    def get_queryset(self, request):
        return selectors.filings_for_user(request.user)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.opts.fields]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return super().change_view(
            request, object_id, form_url, READ_ONLY_BUTTONS | (extra_context or {})
        )

    def save_model(self, request, obj, form, change):
        pass  # nothing on the page is editable; decisions go through review actions

    def has_add_permission(self, request):
        return False  # agencies file through the portal

    def has_delete_permission(self, request, obj=None):
        return False

    def review_perform(self, request, obj, action, reason):
        return filings.filing_decide(actor=request.user, filing=obj, action=action, reason=reason)

    def review_summary(self, obj):
        return [
            (gettext("agency"), obj.agency.name),
            (
                gettext("qualifying workers"),
                f"{obj.qualifying_workers} / {obj.threshold_workers}",
            ),
            (
                gettext("meets the threshold"),
                gettext("Yes") if obj.meets_threshold else gettext("No"),
            ),
        ]

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, obj):
        return status_badge(obj, FILING_TONES)

    @admin.display(description=_("qualifying workers / threshold"), ordering="qualifying_workers")
    def figures_display(self, obj):
        tone = "positive" if obj.meets_threshold else "negative"
        return format_html(
            '<span class="kj-figure kj-{}">{} / {}</span>',
            tone,
            obj.qualifying_workers,
            obj.threshold_workers,
        )


# --- reference data -------------------------------------------------------------------------
