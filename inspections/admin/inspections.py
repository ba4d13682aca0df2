"""The inspections of the rounds: a list with year, agency, subject, inspectors, status, result
and score; filters and search; "assign inspectors" with an intermediate form; the change page
shows the scores read-only (the computed figure beside the inspectors' score) and links to the
phone form. Scoring and concluding are the scoring service's; nothing is typed here."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.audit.admin import AuditHistoryMixin
from kunqu_jiafu.web.admin_kit.common import READ_ONLY_BUTTONS, ExportXlsxMixin, badge

from .. import permissions, selectors
from ..models import Inspection, InspectionScore
from ..services.assignment import inspectors_assign
from .forms import AssignForm
from .inspection_exports import InspectionExport

STATUS_TONES = {
    Inspection.Status.PLANNED: "pending",
    Inspection.Status.IN_PROGRESS: "warning",
    Inspection.Status.CONCLUDED: "positive",
}
RESULT_TONES = {
    Inspection.Result.PENDING: "muted",
    Inspection.Result.PASSED: "positive",
    Inspection.Result.BASICALLY_PASSED: "warning",
    Inspection.Result.FAILED: "negative",
}


def subject_label(inspection: Inspection) -> str:
    """The agency itself, or the recognition inspected (by the name the bureau gives it)."""
    if inspection.recognition_id:
        return inspection.recognition.kind.name
    return inspection.get_subject_kind_display()


def sheet_url(inspection: Inspection) -> str:
    """The inspectors' phone-sized scoring form of the inspection."""
    return reverse("inspect:sheet", args=[inspection.pk])


class InspectorFilter(admin.SimpleListFilter):
    title = _("inspector")
    parameter_name = "inspector"

    def lookups(self, request, model_admin):
        return [(str(u.pk), u.get_full_name()) for u in selectors.inspectors()]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdecimal():
            return queryset.filter(Q(inspector_1_id=value) | Q(inspector_2_id=value))
        return queryset


class ScoreInline(admin.TabularInline):
    model = InspectionScore
    fields = ("item", "points", "computed_display", "score", "note")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False
    verbose_name_plural = _("scores")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "item",
                "inspection__round",
                "inspection__agency",
                "inspection__recognition__kind",
            )
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("points"))
    def points(self, obj):
        return obj.item.weight

    @admin.display(description=_("computed from the records"))
    def computed_display(self, obj):
        if not obj.item.computed:
            return "—"
        if obj.computed_value is None:
            return gettext("not computed yet")
        return format_html(
            '{} <span class="kj-muted">{}</span>', obj.computed_value, obj.computed_detail
        )


@admin.register(Inspection)
class InspectionAdmin(AuditHistoryMixin, ExportXlsxMixin, admin.ModelAdmin):
    export_resource = InspectionExport
    inlines = (ScoreInline,)
    change_form_template = "admin/inspections/inspection/change_form.html"
    list_display = (
        "year",
        "agency",
        "subject_display",
        "inspectors_display",
        "status_display",
        "result_display",
        "score",
    )
    list_display_links = ("agency",)
    list_filter = (
        "round__year",
        "subject_kind",
        "status",
        "result",
        "kind",
        ("agency__street", admin.RelatedOnlyFieldListFilter),
        InspectorFilter,
    )
    search_fields = ("agency__name", "agency__uscc")
    actions = ("assign_inspectors",)
    list_per_page = 50
    fields = (
        "round",
        "kind",
        "parent",
        "agency",
        "subject_kind",
        "recognition",
        "template",
        "inspector_1",
        "inspector_2",
        "status",
        "inspected_on",
        "score",
        "result",
        "notes",
        "concluded_at",
        "concluded_by",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return selectors.inspections_for_user(request.user).select_related(
            "parent__round", "parent__agency", "parent__recognition__kind", "concluded_by"
        )

    def has_add_permission(self, request):
        return False  # planned by the round

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra = dict(READ_ONLY_BUTTONS)
        if obj is not None:
            extra["sheet_url"] = sheet_url(obj)
        return super().change_view(request, object_id, form_url, extra | (extra_context or {}))

    @admin.display(description=_("year"), ordering="round__year")
    def year(self, obj):
        return obj.round.year

    @admin.display(description=_("subject"), ordering="subject_kind")
    def subject_display(self, obj):
        return subject_label(obj)

    @admin.display(description=_("inspectors"))
    def inspectors_display(self, obj):
        names = [u.get_full_name() for u in (obj.inspector_1, obj.inspector_2) if u]
        return "、".join(names) if names else badge("warning", gettext("not assigned"))

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, obj):
        return badge(STATUS_TONES.get(obj.status, "muted"), obj.get_status_display())

    @admin.display(description=_("result"), ordering="result")
    def result_display(self, obj):
        return badge(RESULT_TONES.get(obj.result, "muted"), obj.get_result_display())

    @admin.action(description=_("Assign inspectors"), permissions=["change"])
    def assign_inspectors(self, request, queryset):
        if not permissions.can_assign_inspectors(request.user)[0]:
            raise PermissionDenied
        chosen = list(queryset)
        applicable = [i for i in chosen if i.status != Inspection.Status.CONCLUDED]
        skipped = [i for i in chosen if i.status == Inspection.Status.CONCLUDED]
        if not applicable:
            messages.warning(request, gettext("Concluded inspections keep their inspectors."))
            return None
        confirmed = request.POST.get("post") == "yes"
        form = AssignForm(request.POST if confirmed else None)
        if confirmed and form.is_valid():
            try:
                done = inspectors_assign(
                    actor=request.user,
                    inspections=applicable,
                    inspector_1=form.cleaned_data["inspector_1"],
                    inspector_2=form.cleaned_data["inspector_2"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Inspectors assigned to %(count)s inspection.",
                        "Inspectors assigned to %(count)s inspections.",
                        done,
                    )
                    % {"count": done},
                )
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Assign inspectors"),
            "subtitle": None,
            "opts": self.opts,
            "action_name": "assign_inspectors",
            "action_label": gettext("Assign inspectors"),
            "form": form,
            "applicable": applicable,
            "skipped": skipped,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/inspections/inspection/assign.html", context)
