"""The spot-checked records in the admin: listed with their outcome, assigned in bulk (an action
with a page that asks to whom), their outcome recorded on a page of its own, and the ledger
(抽查核实台账) exported as XLSX, one row per checked record."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.audit.admin import AuditHistoryMixin
from kunqu_jiafu.web.admin_kit.common import READ_ONLY_BUTTONS, ExportXlsxMixin
from kunqu_jiafu.web.forms import show_service_errors

from .. import selectors
from ..models import SpotCheck, SpotCheckItem
from ..permissions import can_run_spot_checks
from ..services.spotcheck_outcomes import spot_check_assign, spot_check_record
from .spotcheck_exports import SpotCheckLedgerExport
from .spotcheck_forms import SpotCheckAssignForm, SpotCheckRecordForm
from .spotchecks import outcome_badge, yuan


class DrawnYearFilter(admin.SimpleListFilter):
    """The year the spot check was drawn in: the annual report counts spot checks by it."""

    title = _("year drawn")
    parameter_name = "drawn_year"

    def lookups(self, request, model_admin):
        years = SpotCheck.objects.datetimes("created_at", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isascii() and value.isdigit() and len(value) == 4:
            return queryset.filter(spot_check__created_at__year=int(value))
        return queryset


@admin.register(SpotCheckItem)
class SpotCheckItemAdmin(AuditHistoryMixin, ExportXlsxMixin, admin.ModelAdmin):
    export_resource = SpotCheckLedgerExport
    list_display = (
        "record_display",
        "spot_check",
        "position",
        "agency",
        "assigned_to",
        "outcome_display",
        "method",
        "recovery_display",
        "checked_at",
        "record_link",
    )
    list_display_links = ("record_display",)
    list_filter = ("outcome", "spot_check__population", DrawnYearFilter, "spot_check")
    search_fields = ("agency__name", "spot_check__title")
    actions = ("assign",)
    list_per_page = 50
    empty_value_display = "—"
    fields = (
        "spot_check",
        "position",
        "record_display",
        "agency",
        "assigned_to",
        "outcome",
        "method",
        "evidence",
        "recovery_amount",
        "checked_at",
        "checked_by",
        "record_link",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return selectors.items_with_records()

    def get_export_filename(self, request, queryset, file_format):
        return gettext("spot check ledger-%(date)s.xlsx") % {
            "date": f"{timezone.localdate():%Y%m%d}"
        }

    def has_add_permission(self, request):
        return False  # records are drawn into a spot check, never added by hand

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return super().change_view(
            request, object_id, form_url, READ_ONLY_BUTTONS | (extra_context or {})
        )

    @admin.display(description=_("record"))
    def record_display(self, item):
        return selectors.record_label(item)

    @admin.display(description=_("outcome"), ordering="outcome")
    def outcome_display(self, item):
        return outcome_badge(item)

    @admin.display(description=_("amount to recover (yuan)"), ordering="recovery_amount")
    def recovery_display(self, item):
        return yuan(item.recovery_amount)

    @admin.display(description=_("record the outcome"))
    def record_link(self, item):
        if item.outcome != SpotCheckItem.Outcome.PENDING:
            return "—"
        return format_html(
            '<a class="kj-button kj-neutral" href="{}">{}</a>',
            reverse("admin:inspections_spotcheckitem_record", args=[item.pk]),
            gettext("Record the outcome"),
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not can_run_spot_checks(request.user)[0]:
            actions.pop("assign", None)
        return actions

    @admin.action(description=_("Assign the selected records"))
    def assign(self, request, queryset):
        if not can_run_spot_checks(request.user)[0]:
            raise PermissionDenied
        form = SpotCheckAssignForm(request.POST if "apply" in request.POST else None)
        n = None
        if form.is_valid():
            try:
                n = spot_check_assign(
                    actor=request.user, items=list(queryset), user=form.cleaned_data["user"]
                )
            except ValidationError as exc:
                show_service_errors(form, exc)
        if n is not None:
            self.message_user(
                request,
                gettext("%(n)s records assigned to %(user)s (records already checked are left).")
                % {"n": n, "user": form.cleaned_data["user"]},
                messages.SUCCESS,
            )
            return None
        pks = [str(pk) for pk in queryset.values_list("pk", flat=True)]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Assign the selected records"),
            "subtitle": None,
            "form": form,
            "intro": gettext("%(n)s records selected; those already checked are left as they are.")
            % {"n": len(pks)},
            "hidden_fields": [("action", "assign"), ("apply", "1")]
            + [(admin.helpers.ACTION_CHECKBOX_NAME, pk) for pk in pks],
            "submit_label": gettext("Assign"),
        }
        return TemplateResponse(request, "admin/inspections/spot_form.html", context)

    def get_urls(self):
        return [
            path(
                "<int:pk>/record/",
                self.admin_site.admin_view(self.record_view),
                name="inspections_spotcheckitem_record",
            ),
            *super().get_urls(),
        ]

    def record_view(self, request, pk: int):
        if not can_run_spot_checks(request.user)[0]:
            raise PermissionDenied
        item = get_object_or_404(self.get_queryset(request), pk=pk)
        if item.outcome != SpotCheckItem.Outcome.PENDING:
            self.message_user(
                request, gettext("This record's outcome is already recorded."), messages.WARNING
            )
            return redirect("admin:inspections_spotcheckitem_change", item.pk)
        form = SpotCheckRecordForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                spot_check_record(
                    actor=request.user,
                    item=item,
                    outcome=data["outcome"],
                    method=data["method"],
                    evidence=data["evidence"],
                    files=[data["file"]] if data.get("file") else None,
                )
            except ValidationError as exc:
                errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
                for field, messages_ in errors.items():
                    form.add_error(field if field in form.fields else None, messages_)
            else:
                self.message_user(request, gettext("The outcome is recorded."), messages.SUCCESS)
                return redirect("admin:inspections_spotcheck_change", item.spot_check_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Record the outcome: %(record)s")
            % {"record": selectors.record_label(item)},
            "subtitle": None,
            "form": form,
            "intro": gettext(
                "“False” (不属实) revokes the record through its subsidies or vouchers page and "
                "records the money to recover; the agency sees it. It cannot be undone here."
            ),
            "items": [item.spot_check.title, item.agency.name],
            "submit_label": gettext("Record"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/inspections/spot_form.html", context)
