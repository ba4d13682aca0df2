"""Budgets and rates in the admin: a proposal page (who, what, old → new, why) and the
second approver's approve / reject buttons (the admin kit's review actions)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.audit.admin import AuditHistoryMixin
from kunqu_jiafu.web.admin_kit.common import READ_ONLY_BUTTONS, ServiceSaveMixin, status_badge
from kunqu_jiafu.web.admin_kit.forms import ServiceForm
from kunqu_jiafu.web.admin_kit.review import ReviewActionsMixin

from .. import services, workflow
from ..models import ClaimType, SettingChange
from .forms import ParametersField

TONES = {"proposed": "warning", "approved": "positive", "rejected": "negative"}


class SettingChangeForm(ServiceForm):
    parameters = ParametersField(
        label=_("new parameters"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 7, "cols": 60, "class": "kj-code"}),
        help_text=_("For a rate change: the claim type's whole parameter object, as changed."),
    )
    amount = forms.DecimalField(
        label=_("new budget (yuan)"),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=0,
        help_text=_("For a special fund: the year's budget it should have."),
    )

    class Meta:
        model = SettingChange
        fields = ("kind", "year", "claim_type", "amount", "parameters", "note", "reason")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "claim_type" not in self.fields:
            return  # a decided or waiting change: its page only reads
        self.fields["claim_type"].required = False
        self.fields["claim_type"].empty_label = gettext("— all claim types of the year —")
        picked = self.initial.get("claim_type")
        if not self.is_bound and picked and not self.initial.get("parameters"):
            claim_type = ClaimType.objects.filter(pk=picked).first()
            if claim_type is not None:
                self.initial["parameters"] = claim_type.parameters

    def commit(self, actor) -> SettingChange:
        data = self.cleaned_data
        if data["kind"] == SettingChange.Kind.FUND:
            if data.get("year") is None:
                raise forms.ValidationError({"year": gettext("Enter the fund's year, e.g. 2026.")})
            if data.get("amount") is None:
                raise forms.ValidationError(
                    {"amount": gettext("Enter the budget the fund should have, in yuan.")}
                )
            return services.fund_change_propose(
                actor=actor,
                year=data["year"],
                amount=data["amount"],
                claim_type=data.get("claim_type"),
                note=data.get("note") or "",
                reason=data.get("reason") or "",
            )
        if data.get("claim_type") is None:
            raise forms.ValidationError(
                {"claim_type": gettext("Choose the claim type whose rates should change.")}
            )
        return services.rates_change_propose(
            actor=actor,
            claim_type=data["claim_type"],
            parameters=data.get("parameters") or {},
            reason=data.get("reason") or "",
        )


@admin.register(SettingChange)
class SettingChangeAdmin(ReviewActionsMixin, AuditHistoryMixin, ServiceSaveMixin, admin.ModelAdmin):
    form = SettingChangeForm
    review_table = workflow.SETTING_CHANGE_TRANSITIONS
    status_tones = TONES
    action_tones = {"approve": "positive", "reject": "negative"}
    review_bulk_actions = frozenset()
    change_form_template = "admin/kit/review_change_form.html"
    list_display = (
        "__str__",
        "kind",
        "status_display",
        "value_display",
        "proposed_by",
        "proposed_at",
        "decided_by",
    )
    list_filter = ("status", "kind", "year")
    list_select_related = ("claim_type", "proposed_by", "decided_by")
    list_per_page = 50
    fields_shown = (
        "kind",
        "status",
        "year",
        "claim_type",
        "before_display",
        "value_display",
        "note",
        "reason",
        "proposed_by",
        "proposed_at",
        "decided_by",
        "decided_at",
        "decision_reason",
    )

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("kind", "year", "claim_type", "amount", "parameters", "note", "reason")
        return self.fields_shown

    def get_readonly_fields(self, request, obj=None):
        return self.fields_shown if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False  # a decided change is the record of who set the budget

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            raise PermissionDenied  # a proposal is never edited: approve, reject, or propose anew
        extra_context = {**(extra_context or {}), **READ_ONLY_BUTTONS}
        return super().change_view(request, object_id, form_url, extra_context)

    def review_refusal(self, request, obj, transition) -> str:
        if obj.proposed_by_id == request.user.pk:
            return gettext("You proposed this change; another 审批领导 must approve or reject it.")
        return ""

    def review_perform(self, request, obj, action: str, reason: str, **extra):
        if action == "approve":
            services.setting_change_approve(actor=request.user, change=obj, reason=reason)
        elif action == "reject":
            services.setting_change_reject(actor=request.user, change=obj, reason=reason)
        else:  # pragma: no cover - the table offers only these
            raise PermissionDenied

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, obj):
        return status_badge(obj, TONES)

    @admin.display(description=_("proposed value"))
    def value_display(self, obj):
        if obj.kind == SettingChange.Kind.FUND:
            return f"{obj.amount:,.2f}" if obj.amount is not None else "—"
        return _json(obj.parameters)

    @admin.display(description=_("value before"))
    def before_display(self, obj):
        if obj.kind == SettingChange.Kind.FUND:
            amount = (obj.before or {}).get("amount")
            return gettext("no fund yet") if amount is None else f"{float(amount):,.2f}"
        return _json((obj.before or {}).get("parameters"))


def _json(value) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value is not None else "—"
