"""The review queue: claims listed oldest submitted first, read-only pages, review actions.

Every decision is a review action (a button on the claim's page or a bulk action on the
list) leading to a page that asks for what the step needs, then services.claim_act (the verb of the action),
which checks the role, the four eyes and the fund and has the last word. The read-only claim
page (its fieldsets and blocks) is in claim_page.py.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.audit.admin import AuditHistoryMixin
from kunqu_jiafu.web.admin_kit.common import READ_ONLY_BUTTONS, ExportXlsxMixin, badge
from kunqu_jiafu.web.admin_kit.review import ReviewActionsMixin
from kunqu_jiafu.web.formats import figure, local_time

from .. import permissions, selectors, services, workflow
from ..models import Claim, ClaimType
from ..templatetags.claim_periods import period_label
from .claim_page import ClaimPageMixin
from .exports import ClaimLedgerExport
from .figures import fund_rows, yuan
from .forms import ApproveForm, PayForm

CLAIM_TONES = {
    Claim.Status.DRAFT: "muted",
    Claim.Status.SUBMITTED: "pending",
    Claim.Status.FIRST_PASSED: "pending",
    Claim.Status.APPROVED: "positive",
    Claim.Status.PAID: "positive",
    Claim.Status.RETURNED: "warning",
    Claim.Status.REJECTED: "negative",
    Claim.Status.REVOKED: "negative",
    Claim.Status.WITHDRAWN: "muted",
}
# Review buttons (return reads neutral).
CLAIM_ACTION_TONES = {
    "first_pass": "positive",
    "approve": "positive",
    "pay": "positive",
    "reject": "negative",
    "revoke": "negative",
}
# Decisions that need a look at each claim (an amount, a payment, a spot check's finding)
# are never taken in bulk.
BULK_ACTIONS = frozenset({"first_pass", "return", "reject"})


def _year(value) -> int | None:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if 2000 <= year <= 2100 else None


class PolicyYearFilter(admin.SimpleListFilter):
    title = _("policy year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = (
            ClaimType.objects.order_by("-policy_year")
            .values_list("policy_year", flat=True)
            .distinct()
        )
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        year = _year(self.value())
        return queryset.filter(claim_type__policy_year=year) if year else queryset


@admin.register(Claim)
class ClaimAdmin(
    ClaimPageMixin, ReviewActionsMixin, AuditHistoryMixin, ExportXlsxMixin, admin.ModelAdmin
):
    review_table = workflow.TRANSITIONS
    review_bulk_actions = BULK_ACTIONS
    review_reason_template = "admin/subsidies/claim/review.html"
    status_tones = CLAIM_TONES
    action_tones = CLAIM_ACTION_TONES
    export_resource = ClaimLedgerExport
    change_form_template = "admin/subsidies/claim/change_form.html"
    change_list_template = "admin/subsidies/claim/change_list.html"
    list_display = (
        "agency_display",
        "type_display",
        "period_display",
        "status_display",
        "eligible_display",
        "approved_display",
        "submitted_display",
        "first_reviewed_by",
    )
    list_display_links = ("agency_display",)
    list_filter = (
        "status",
        "claim_type",
        "claim_type__group",
        PolicyYearFilter,
        ("agency__street", admin.RelatedFieldListFilter),
    )
    search_fields = ("agency__name", "agency__uscc")
    search_help_text = _("Search by agency name or credit code.")
    # The queue: what waits longest comes first; drafts (never submitted) last.
    ordering = (F("submitted_at").asc(nulls_last=True), "pk")
    list_per_page = 50
    empty_value_display = "—"

    # --- queryset and permissions -----------------------------------------------------------

    def get_queryset(self, request):
        return selectors.claims_for_user(request.user).select_related("first_reviewed_by")

    def get_export_queryset(self, request):
        return (
            super()
            .get_export_queryset(request)
            .select_related("decided_by")
            .prefetch_related("notices")
        )

    def get_export_filename(self, request, queryset, file_format):
        return gettext("subsidy claim ledger-%(date)s.xlsx") % {
            "date": f"{timezone.localdate():%Y%m%d}"
        }

    def has_add_permission(self, request):
        return False  # agencies file their claims in the portal

    def has_delete_permission(self, request, obj=None):
        return False  # a claim is withdrawn, rejected or revoked, never deleted

    def save_model(self, request, obj, form, change):
        pass  # nothing on the page is editable; decisions go through review actions

    def changelist_view(self, request, extra_context=None):
        if (
            request.method == "POST"
            and request.POST.get("action")
            and not self.has_change_permission(request)
        ):
            raise PermissionDenied  # officials read the queue; they act on nothing
        year = _year(request.GET.get(PolicyYearFilter.parameter_name))
        year = year or timezone.localdate().year
        general = [f for f in selectors.funds_for_year(year) if f.claim_type_id is None]
        context = {"fund_year": year, "fund_rows": fund_rows(general)}
        return super().changelist_view(request, {**context, **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = READ_ONLY_BUTTONS | {"title": gettext("Subsidy claim")}
        return super().change_view(request, object_id, form_url, context | (extra_context or {}))

    # --- review actions ---------------------------------------------------------------------

    def review_perform(
        self, request, obj, action, reason, approved_amount=None, paid_on=None, bank_reference=""
    ):
        return services.claim_act(
            actor=request.user,
            claim=obj,
            action=action,
            reason=reason,
            approved_amount=approved_amount,
            paid_on=paid_on,
            bank_reference=bank_reference or "",
        )

    def review_refusal(self, request, obj, transition):
        allowed, reason = permissions.can_transition(request.user, obj, transition.action)
        if not allowed:
            return reason
        if transition.action in ("first_pass", "approve"):
            # Eligibility is read again: a recognition revoked or a standing changed since
            # submission stops the claim; the reviewer may still return or refuse it.
            problems = self._current_problems(obj)
            if problems:
                return gettext("The claim no longer meets the conditions: %(why)s") % {
                    "why": "；".join(problems)
                }
        return ""

    def _current_problems(self, obj) -> list[str]:
        if not hasattr(obj, "_current_problems"):
            obj._current_problems = selectors.claim_problems(obj)
        return obj._current_problems

    def review_form(self, request, obj, transition, data):
        if transition.action == "approve":
            return ApproveForm(
                data,
                reason_required=transition.needs_reason,
                initial={"approved_amount": obj.eligible_amount},
                eligible=obj.eligible_amount,
            )
        if transition.action == "pay":
            return PayForm(data, reason_required=transition.needs_reason)
        return super().review_form(request, obj, transition, data)

    def review_summary(self, obj):
        rows = [
            (gettext("agency"), f"{obj.agency.name}（{obj.agency.uscc}）"),
            (
                gettext("claim type"),
                f"{obj.claim_type.name}（{obj.claim_type.get_group_display()}）",
            ),
            (gettext("period"), obj.period),
            (gettext("submitted at"), local_time(obj.submitted_at)),
            (gettext("eligible amount"), yuan(obj.eligible_amount)),
        ]
        if obj.approved_amount is not None:
            rows.append((gettext("approved amount"), yuan(obj.approved_amount)))
        if obj.first_reviewed_by_id:
            rows.append(
                (
                    gettext("first reviewer"),
                    f"{obj.first_reviewed_by}（{local_time(obj.first_reviewed_at)}）",
                )
            )
        if obj.paid_on:
            rows.append((gettext("paid on"), f"{obj.paid_on:%Y-%m-%d}（{obj.bank_reference}）"))
        return rows

    def review_context(self, request, obj, transition):
        context = {
            "claim": obj,
            "action": transition.action,
            "trace": obj.trace,
            "eligible_text": figure(obj.eligible_amount),
            "approved_text": figure(obj.approved_amount),
        }
        if transition.action in ("approve", "revoke"):
            context["fund_rows"] = fund_rows(selectors.funds_for_claim_type(obj.claim_type))
            context["fund_year"] = obj.claim_type.policy_year
        if transition.action == "revoke":
            context["recovery"] = figure(
                obj.approved_amount if obj.status == Claim.Status.PAID else Decimal("0")
            )
        return context

    # --- list columns -----------------------------------------------------------------------

    @admin.display(description=_("agency"), ordering="agency__name")
    def agency_display(self, obj):
        return format_html(
            '<span class="kj-clip" title="{}（{}）">{}</span>',
            obj.agency.name,
            obj.agency.uscc,
            obj.agency.name,
        )

    @admin.display(description=_("claim type · policy group"), ordering="claim_type__sort_order")
    def type_display(self, obj):
        return format_html(
            '<span class="kj-clip" title="{}">{}</span><span class="kj-sub">{}</span>',
            obj.claim_type,
            obj.claim_type.name,
            obj.claim_type.get_group_display(),
        )

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, obj):
        return badge(self.status_tone(obj), obj.get_status_display())

    @admin.display(description=_("period"), ordering="period")
    def period_display(self, obj):
        return period_label(obj.period)

    @admin.display(description=_("eligible amount (yuan)"), ordering="eligible_amount")
    def eligible_display(self, obj):
        return figure(obj.eligible_amount)

    @admin.display(description=_("approved amount (yuan)"), ordering="approved_amount")
    def approved_display(self, obj):
        return figure(obj.approved_amount)

    @admin.display(description=_("submitted at"), ordering="submitted_at")
    def submitted_display(self, obj):
        if not obj.submitted_at:
            return "—"
        moment = timezone.localtime(obj.submitted_at)
        return format_html(
            '{}<span class="kj-sub">{}</span>', f"{moment:%Y-%m-%d}", f"{moment:%H:%M}"
        )
