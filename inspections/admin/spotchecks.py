"""The spot-check admin (抽查核实): the list of spot checks with their progress, the page that
draws a sample, each spot check's records inline, the link to the redraw page.

Writes go through inspections.services.spotchecks; the records' admin (assigning, recording
the outcome, the XLSX ledger) is in spotcheck_items.py."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.audit.admin import AuditHistoryMixin
from kunqu_jiafu.web.admin_kit.common import READ_ONLY_BUTTONS, ReadOnlyInline, badge

from .. import selectors
from ..models import SpotCheck, SpotCheckItem
from ..permissions import can_run_spot_checks
from ..services.spotchecks import spot_check_draw
from .spotcheck_forms import SpotCheckDrawForm

OUTCOME_TONES = {"pending": "pending", "true": "positive", "false": "negative"}
STATUS_TONES = {"open": "warning", "closed": "positive"}


def outcome_badge(item: SpotCheckItem) -> str:
    return badge(OUTCOME_TONES.get(item.outcome, "muted"), item.get_outcome_display())


def yuan(value) -> str:
    return "—" if value is None else f"{value:,.2f}"


class SpotCheckItemInline(ReadOnlyInline):
    model = SpotCheckItem
    fields = ("position", "record", "agency", "assigned_to", "outcome_display", "recovery")
    readonly_fields = fields
    verbose_name_plural = _("sampled records, in the order drawn")

    def get_queryset(self, request):
        return selectors.items_with_records().order_by("position")

    @admin.display(description=_("record"))
    def record(self, item):
        return selectors.record_label(item)

    @admin.display(description=_("outcome"))
    def outcome_display(self, item):
        return outcome_badge(item)

    @admin.display(description=_("amount to recover (yuan)"))
    def recovery(self, item):
        return yuan(item.recovery_amount)


@admin.register(SpotCheck)
class SpotCheckAdmin(AuditHistoryMixin, admin.ModelAdmin):
    inlines = (SpotCheckItemInline,)
    list_display = (
        "title",
        "population",
        "period_display",
        "population_size",
        "drawn_display",
        "progress_display",
        "false_display",
        "recovery_display",
        "status_display",
        "created_at",
    )
    list_filter = ("population", "status")
    search_fields = ("title",)
    list_per_page = 50
    empty_value_display = "—"
    fields = (
        "title",
        "population",
        "claim_types_display",
        "period_start",
        "period_end",
        "sample_size",
        "sample_rate",
        "seed",
        "population_size",
        "population_digest",
        "status",
        "created_at",
        "created_by",
        "redraw_link",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return selectors.spot_checks_with_progress()

    def has_add_permission(self, request):
        return can_run_spot_checks(request.user)[0]

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return redirect("admin:inspections_spotcheck_draw")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return super().change_view(
            request, object_id, form_url, READ_ONLY_BUTTONS | (extra_context or {})
        )

    @admin.display(description=_("claim types"))
    def claim_types_display(self, obj):
        return "、".join(obj.claim_type_codes) or "—"

    @admin.display(description=_("period"), ordering="period_start")
    def period_display(self, obj):
        return f"{obj.period_start:%Y-%m-%d}～{obj.period_end:%Y-%m-%d}"

    @admin.display(description=_("records drawn"), ordering="drawn")
    def drawn_display(self, obj):
        return obj.drawn

    @admin.display(description=_("checked"), ordering="checked")
    def progress_display(self, obj):
        return f"{obj.checked} / {obj.drawn}"

    @admin.display(description=_("found false"), ordering="found_false")
    def false_display(self, obj):
        return badge("negative" if obj.found_false else "muted", obj.found_false)

    @admin.display(description=_("amount to recover (yuan)"), ordering="to_recover")
    def recovery_display(self, obj):
        return yuan(obj.to_recover)

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, obj):
        return badge(STATUS_TONES.get(obj.status, "muted"), obj.get_status_display())

    @admin.display(description=_("how to redraw the sample"))
    def redraw_link(self, obj):
        items = reverse("admin:inspections_spotcheckitem_changelist")
        return format_html(
            '<a href="{}">{}</a> · <a href="{}?spot_check__id__exact={}">{}</a>',
            reverse("inspect:spot_check_redraw", args=[obj.pk]),
            gettext("Redraw the sample with the recorded seed"),
            items,
            obj.pk,
            gettext("Check the records"),
        )

    def get_urls(self):
        return [
            path(
                "draw/",
                self.admin_site.admin_view(self.draw_view),
                name="inspections_spotcheck_draw",
            ),
            *super().get_urls(),
        ]

    def draw_view(self, request):
        if not can_run_spot_checks(request.user)[0]:
            raise PermissionDenied
        form = SpotCheckDrawForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                spot_check = spot_check_draw(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                self.message_user(
                    request,
                    gettext("%(n)s of %(total)s records drawn with the seed %(seed)s.")
                    % {
                        "n": spot_check.items.count(),
                        "total": spot_check.population_size,
                        "seed": spot_check.seed,
                    },
                    messages.SUCCESS,
                )
                return redirect("admin:inspections_spotcheck_change", spot_check.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Draw a spot-check sample"),
            "subtitle": None,
            "form": form,
            "intro": gettext(
                "Choose the records to sample from and the period; the portal lists them by id "
                "and draws the sample with a random seed it records, so anyone can draw it again."
            ),
            "submit_label": gettext("Draw the sample"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/inspections/spot_form.html", context)
