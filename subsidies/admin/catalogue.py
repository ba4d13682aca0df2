"""The catalogue the bureau keeps: claim types per policy year, special funds, notices."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.accounts.roles import APPROVER, REVIEWER, has_role, is_agency_user
from kunqu_jiafu.audit.admin import AuditHistoryMixin
from kunqu_jiafu.web.admin_kit.common import ServiceSaveMixin, badge
from kunqu_jiafu.web.formats import figure

from .. import selectors, services
from ..models import AwardPolicy, ClaimType, Notice, ParameterFlag, SpecialFund
from .figures import fund_rows
from .forms import (
    CALCULATOR_LABELS,
    AwardPolicyForm,
    ClaimTypeForm,
    ParameterFlagForm,
    SpecialFundForm,
)
from .ledger import LedgerPagesMixin


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or gettext("You may not do this.")


def _bureau(request) -> bool:
    return has_role(request.user, REVIEWER, APPROVER) and not is_agency_user(request.user)


# --- claim types ------------------------------------------------------------------------------


@admin.register(ClaimType)
class ClaimTypeAdmin(AuditHistoryMixin, ServiceSaveMixin, admin.ModelAdmin):
    form = ClaimTypeForm
    list_display = (
        "name",
        "code",
        "policy_year",
        "group",
        "calculator_display",
        "period_kind",
        "claims_display",
        "active",
    )
    list_display_links = ("name",)
    list_filter = ("policy_year", "group", "active")
    search_fields = ("name", "code")
    ordering = ("-policy_year", "sort_order", "code")
    actions = ("copy_to_next_year",)
    list_per_page = 50

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(claims_total=Count("claims", filter=~Q(claims__status="draft")))
        )

    def get_fieldsets(self, request, obj=None):
        return (
            (None, {"fields": (("code", "policy_year"), "name", "group", "description")}),
            (
                _("Amount rule"),
                {"fields": ("calculator", "parameters", "parameter_flags_display")},
            ),
            (
                _("Who may claim, and what they send"),
                {"fields": ("eligibility", "period_kind", "required_attachments")},
            ),
            (_("In the catalogue"), {"fields": (("active", "sort_order"),)}),
        )

    def get_readonly_fields(self, request, obj=None):
        # Claims refer to a type by its code and year; next year's type is a copy.
        # Its rates change by proposal and a second approver (admin/changes.py).
        if obj is not None:
            return ("code", "policy_year", "calculator", "parameters", "parameter_flags_display")
        return ("parameter_flags_display",)

    @admin.display(description=_("figures awaiting the bureau's confirmation"))
    def parameter_flags_display(self, obj):
        flags = list(obj.parameter_flags.select_related("confirmed_by")) if obj.pk else []
        return render_to_string("admin/subsidies/parameter_flags.html", {"flags": flags})

    def has_delete_permission(self, request, obj=None):
        return False  # switch a type off with "open for claims" instead

    @admin.display(description=_("calculator"), ordering="calculator")
    def calculator_display(self, obj):
        return format_html(
            '<span class="kj-clip" title="{}">{}</span>',
            obj.calculator,
            CALCULATOR_LABELS.get(obj.calculator, obj.calculator),
        )

    @admin.display(description=_("claims"), ordering="claims_total")
    def claims_display(self, obj):
        url = reverse("admin:subsidies_claim_changelist") + f"?claim_type__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj.claims_total)

    @admin.action(description=_("Copy to the next policy year"), permissions=["add"])
    def copy_to_next_year(self, request, queryset):
        made = []
        for claim_type in queryset.order_by("sort_order", "code"):
            try:
                made.append(services.claim_type_copy(actor=request.user, claim_type=claim_type))
            except (ValidationError, PermissionDenied) as exc:
                messages.warning(request, f"{claim_type}：{_message(exc)}")
        if made:
            messages.success(
                request,
                ngettext(
                    "%(count)s claim type copied to %(years)s: %(names)s. Check their parameters.",
                    "%(count)s claim types copied to %(years)s: %(names)s. Check their parameters.",
                    len(made),
                )
                % {
                    "count": len(made),
                    "years": "、".join(sorted({str(t.policy_year) for t in made})),
                    "names": "、".join(t.name for t in made),
                },
            )


# --- special funds ----------------------------------------------------------------------------


@admin.register(SpecialFund)
class SpecialFundAdmin(LedgerPagesMixin, AuditHistoryMixin, ServiceSaveMixin, admin.ModelAdmin):
    form = SpecialFundForm
    change_list_template = "admin/subsidies/specialfund/change_list.html"
    change_form_template = "admin/subsidies/specialfund/change_form.html"
    list_display = (
        "year",
        "scope_display",
        "amount_display",
        "committed_display",
        "remaining_display",
        "usage_display",
        "note",
    )
    list_display_links = ("year", "scope_display")
    list_filter = ("year",)
    list_per_page = 50

    def get_queryset(self, request):
        return selectors.funds_for_user(request.user)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("year", "claim_type", "amount", "note")
        return ("year", "claim_type", "amount", "committed_display", "usage_display", "note")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("year", "claim_type", "committed_display", "usage_display")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "claim_type":
            kwargs["queryset"] = ClaimType.objects.order_by("-policy_year", "sort_order", "code")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False  # approved claims point at their fund

    # A budget is set by proposal and a second approver (admin/changes.py): read-only here.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("claim types"), ordering="claim_type__sort_order")
    def scope_display(self, obj):
        return obj.claim_type.name if obj.claim_type_id else gettext("all claim types")

    @admin.display(description=_("budget"), ordering="amount")
    def amount_display(self, obj):
        return figure(obj.amount)

    @admin.display(description=_("approved so far"), ordering="committed")
    def committed_display(self, obj):
        return figure(obj.committed)

    @admin.display(description=_("remaining"))
    def remaining_display(self, obj):
        return figure(obj.remaining)

    @admin.display(description=_("used"))
    def usage_display(self, obj):
        return render_to_string(
            "admin/subsidies/fund_bar.html", {"row": fund_rows([obj])[0], "compact": True}
        )


# --- notices ----------------------------------------------------------------------------------


class NoticePdfFilter(admin.SimpleListFilter):
    title = _("PDF")
    parameter_name = "pdf"

    def lookups(self, request, model_admin):
        return (
            ("made", _("Made")),
            ("pending", _("Being prepared")),
            ("failed", _("Failed")),
        )

    def queryset(self, request, queryset):
        if self.value() == "made":
            return queryset.filter(document__isnull=False)
        if self.value() == "pending":
            return queryset.filter(document__isnull=True, render_failed_at__isnull=True)
        if self.value() == "failed":
            return queryset.filter(document__isnull=True, render_failed_at__isnull=False)
        return queryset


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "kind_display",
        "claim_link",
        "amount_display",
        "issued_on",
        "pdf_link",
    )
    list_filter = ("kind", "year", NoticePdfFilter)
    search_fields = ("number", "claim__agency__name", "claim__agency__uscc")
    actions = ("regenerate_pdf",)
    fields = (
        "number",
        "kind",
        "claim_link",
        "amount",
        "reason",
        "issued_on",
        "pdf_link",
        "render_failed_at",
        "render_attempts",
        "render_error",
    )
    readonly_fields = fields
    list_per_page = 50

    def get_queryset(self, request):
        return selectors.notices_for_user(request.user).select_related("claim__claim_type")

    def has_add_permission(self, request):
        return False  # issued by approval or rejection

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # numbered documents are kept

    def has_regenerate_permission(self, request):
        return _bureau(request)

    @admin.display(description=_("kind"), ordering="kind")
    def kind_display(self, obj):
        tone = "positive" if obj.kind == Notice.Kind.APPROVAL else "negative"
        return badge(tone, obj.get_kind_display())

    @admin.display(description=_("claim"), ordering="claim__agency__name")
    def claim_link(self, obj):
        return format_html(
            '<a href="{}" class="kj-clip" title="{}">{}</a>',
            reverse("admin:subsidies_claim_change", args=[obj.claim_id]),
            obj.claim,
            obj.claim,
        )

    @admin.display(description=_("amount"), ordering="amount")
    def amount_display(self, obj):
        return figure(obj.amount)

    @admin.display(description=_("PDF"))
    def pdf_link(self, obj):
        if not obj.document_id and obj.render_failed_at:
            return format_html(
                '{} <span class="kj-muted">{}</span>',
                badge("negative", gettext("Failed")),
                obj.render_error,
            )
        if not obj.document_id:
            return format_html('<span class="kj-muted">{}</span>', gettext("Being prepared"))
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}.pdf</a>',
            obj.document.get_absolute_url() + "?inline=1",
            obj.number,
        )

    @admin.action(description=_("Regenerate the PDF"), permissions=["regenerate"])
    def regenerate_pdf(self, request, queryset):
        done = 0
        for notice in queryset:
            try:
                services.notice_regenerate(actor=request.user, notice=notice)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, f"{notice}：{_message(exc)}")
            else:
                done += 1
        if done:
            messages.success(
                request,
                ngettext(
                    "The PDF of %(count)s notice is being made again; its number stays the same.",
                    "The PDFs of %(count)s notices are being made again; their numbers stay the same.",
                    done,
                )
                % {"count": done},
            )


# --- award settings and parameters awaiting confirmation ---------------------------------------


@admin.register(AwardPolicy)
class AwardPolicyAdmin(AuditHistoryMixin, ServiceSaveMixin, admin.ModelAdmin):
    form = AwardPolicyForm
    list_display = ("year", "awards_per_year", "yearly_total_display", "basic_pass_counts")
    fields = ("year", "awards_per_year", "yearly_total", "basic_pass_counts")
    list_filter = ("awards_per_year", "basic_pass_counts")
    list_per_page = 50

    def get_queryset(self, request):
        return selectors.award_policies_for_user(request.user)

    def get_readonly_fields(self, request, obj=None):
        return ("year",) if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False  # a year without settings would fall back to the defaults unseen

    @admin.display(description=_("yearly total per agency"), ordering="yearly_total")
    def yearly_total_display(self, obj):
        if obj.yearly_total is None:
            return gettext("no total")
        return figure(obj.yearly_total)


@admin.register(ParameterFlag)
class ParameterFlagAdmin(AuditHistoryMixin, ServiceSaveMixin, admin.ModelAdmin):
    form = ParameterFlagForm
    list_display = ("claim_type", "name", "value_display", "status_display", "note")
    list_filter = ("claim_type__policy_year",)
    search_fields = ("claim_type__name", "name")
    actions = ("confirm_values",)
    list_per_page = 50

    def get_queryset(self, request):
        return selectors.parameter_flags_for_user(request.user)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("claim_type", "name", "note")
        return ("claim_type", "name", "value_display", "status_display", "note")

    def get_readonly_fields(self, request, obj=None):
        # A flag is confirmed by the action on the list, never typed in.
        return self.get_fields(request, obj) if obj is not None else ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "claim_type":
            kwargs["queryset"] = ClaimType.objects.order_by("-policy_year", "sort_order", "code")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_confirm_permission(self, request):
        return _bureau(request)

    @admin.display(description=_("current value"))
    def value_display(self, obj):
        value = obj.current_value
        return "—" if value in (None, "") else str(value)

    @admin.display(description=_("status"))
    def status_display(self, obj):
        return render_to_string("admin/subsidies/parameter_flags.html", {"flags": [obj]})

    @admin.action(description=_("Confirm the current values"), permissions=["confirm"])
    def confirm_values(self, request, queryset):
        done = []
        for flag in queryset.select_related("claim_type"):
            try:
                services.parameter_confirm(actor=request.user, flag=flag)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, f"{flag}：{_message(exc)}")
            else:
                done.append(str(flag))
        if done:
            messages.success(
                request,
                gettext("Confirmed: %(list)s.") % {"list": "、".join(done)},
            )
