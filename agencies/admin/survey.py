"""The statistical survey in the back office: the year's forms with their indicators (fixed
once a return is submitted), who has not filed (with reminders and an XLSX list), the
ledger, and the returns with their review actions."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kunqu_jiafu import audit
from kunqu_jiafu.audit import actions as audit_actions
from kunqu_jiafu.audit.admin import AuditHistoryMixin
from kunqu_jiafu.documents.xlsx import XLSX_CONTENT_TYPE, attachment_header
from kunqu_jiafu.web.admin_kit.common import READ_ONLY_BUTTONS, status_badge
from kunqu_jiafu.web.admin_kit.reference import ReferenceAdmin
from kunqu_jiafu.web.admin_kit.review import ReviewActionsMixin
from kunqu_jiafu.web.admin_kit.services import reference_save

from .. import permissions, survey_selectors, workflow
from ..models import SurveyForm, SurveyIndicator, SurveyReturn
from ..services import survey as survey_services
from .survey_exports import ledger_xlsx, not_filed_xlsx

SURVEY_TONES = {
    SurveyReturn.Status.DRAFT: "muted",
    SurveyReturn.Status.SUBMITTED: "pending",
    SurveyReturn.Status.RETURNED: "warning",
    SurveyReturn.Status.ACCEPTED: "positive",
}
SURVEY_ACTION_TONES = {"accept": "positive"}


def _xlsx(content: bytes, filename: str, fallback: str) -> HttpResponse:
    return HttpResponse(
        content,
        content_type=XLSX_CONTENT_TYPE,
        headers={"Content-Disposition": attachment_header(filename, fallback=fallback)},
    )


class SurveyIndicatorInline(admin.TabularInline):
    model = SurveyIndicator
    extra = 0
    fields = (
        "sort_order",
        "code",
        "label",
        "unit",
        "kind",
        "required",
        "min_value",
        "max_value",
        "by_format",
        "prefill",
        "help_text",
    )

    def _fixed(self, obj) -> bool:
        return obj is not None and survey_selectors.survey_form_in_use(obj)

    def has_add_permission(self, request, obj=None):
        return not self._fixed(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._fixed(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._fixed(obj) and super().has_delete_permission(request, obj)


@admin.register(SurveyForm)
class SurveyFormAdmin(ReferenceAdmin):
    inlines = [SurveyIndicatorInline]
    list_display = ("year", "title", "opens_on", "closes_on", "counts", "links")
    fields = ("year", "title", ("opens_on", "closes_on"), "tolerance_percent", "instructions")

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        audit_actions.register_model_saves(SurveyIndicator)  # its rows are saved alike

    def get_queryset(self, request):
        filed = Q(returns__status__in=survey_selectors.FILED_STATUSES)
        return (
            super()
            .get_queryset(request)
            .annotate(
                filed_total=Count("returns", filter=filed),
                accepted_total=Count("returns", filter=Q(returns__status="accepted")),
            )
        )

    def has_change_permission(self, request, obj=None):
        if obj is not None and survey_selectors.survey_form_in_use(obj):
            return False  # returns were filed on it: its questions are fixed
        return super().has_change_permission(request, obj)

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            reference_save(actor=request.user, instance=instance)
        for instance in formset.deleted_objects:
            audit.log(request.user, instance, "agencies.surveyindicator.deleted")
            instance.delete()

    @admin.display(description=_("filed / accepted"))
    def counts(self, obj):
        return f"{obj.filed_total} / {obj.accepted_total}"

    @admin.display(description=_("pages"))
    def links(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:agencies_surveyreturn_changelist") + f"?form__id__exact={obj.pk}",
            gettext("Returns"),
            reverse("admin:agencies_surveyform_not_filed", args=[obj.pk]),
            gettext("Not filed"),
            reverse("admin:agencies_surveyform_ledger", args=[obj.pk]),
            gettext("Ledger (XLSX)"),
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/not-filed/",
                view(self.not_filed_view),
                name="agencies_surveyform_not_filed",
            ),
            path(
                "<int:pk>/not-filed.xlsx",
                view(self.not_filed_xlsx_view),
                name="agencies_surveyform_not_filed_xlsx",
            ),
            path("<int:pk>/remind/", view(self.remind_view), name="agencies_surveyform_remind"),
            path("<int:pk>/ledger.xlsx", view(self.ledger_view), name="agencies_surveyform_ledger"),
        ] + super().get_urls()

    def _form(self, request, pk) -> SurveyForm:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(SurveyForm, pk=pk)

    def not_filed_view(self, request, pk):
        form = self._form(request, pk)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Not filed: %(title)s") % {"title": form.title},
            "subtitle": None,
            "opts": self.opts,
            "survey": form,
            "agencies": list(survey_selectors.survey_not_filed(form)),
            "counts": survey_selectors.survey_return_counts(form),
            "can_remind": permissions.can_remind_survey(request.user)[0],
            "status_names": dict(SurveyReturn.Status.choices),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/agencies/surveyform/not_filed.html", context)

    def not_filed_xlsx_view(self, request, pk):
        form = self._form(request, pk)
        return _xlsx(
            not_filed_xlsx(form),
            gettext("Not filed %(year)s.xlsx") % {"year": form.year},
            f"survey-{form.year}-not-filed.xlsx",
        )

    def ledger_view(self, request, pk):
        form = self._form(request, pk)
        return _xlsx(
            ledger_xlsx(form),
            gettext("Survey ledger %(year)s.xlsx") % {"year": form.year},
            f"survey-{form.year}-ledger.xlsx",
        )

    def remind_view(self, request, pk):
        return require_POST(self._remind)(request, pk)

    def _remind(self, request, pk):
        form = self._form(request, pk)
        try:
            count = survey_services.survey_remind(actor=request.user, form=form, force=True)
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(
                request, gettext("Reminders sent to %(count)s agencies.") % {"count": count}
            )
        return redirect("admin:agencies_surveyform_not_filed", form.pk)


@admin.register(SurveyReturn)
class SurveyReturnAdmin(ReviewActionsMixin, AuditHistoryMixin, admin.ModelAdmin):
    review_table = workflow.SURVEY_TRANSITIONS
    status_tones = SURVEY_TONES
    action_tones = SURVEY_ACTION_TONES
    change_form_template = "admin/kit/review_change_form.html"
    list_display = (
        "agency",
        "form_year",
        "status_display",
        "agency_street",
        "submitted_at",
        "decided_by",
    )
    list_filter = ("form__year", "status", "agency__street", "agency__formats")
    search_fields = ("agency__name", "agency__uscc")
    list_per_page = 50
    fields = (
        "form",
        "agency",
        "status",
        "submitted_at",
        "submitted_by",
        "decided_at",
        "decided_by",
        "decision_reason",
        "figures_table",
    )

    def get_queryset(self, request):
        return survey_selectors.survey_returns_for_user(request.user).select_related("decided_by")

    def get_readonly_fields(self, request, obj=None):
        return self.fields

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
        return survey_services.survey_return_decide(
            actor=request.user, survey_return=obj, action=action, reason=reason
        )

    def review_summary(self, obj):
        return [(gettext("agency"), obj.agency.name), (gettext("survey"), obj.form.title)]

    @admin.display(description=_("survey year"), ordering="form__year")
    def form_year(self, obj):
        return obj.form.year

    @admin.display(description=_("street or town"), ordering="agency__street")
    def agency_street(self, obj):
        return obj.agency.street.name

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, obj):
        return status_badge(obj, SURVEY_TONES)

    @admin.display(description=_("figures"))
    def figures_table(self, obj):
        values = survey_selectors.survey_values_by_key(obj).values()
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    f"{v.indicator.label}·{v.business_format.name}"
                    if v.business_format_id
                    else v.indicator.label,
                    "—" if v.value is None else f"{v.value:f} {v.indicator.unit}",
                    "" if v.prefilled is None else f"{v.prefilled:f}",
                    v.explanation,
                )
                for v in values
            ),
        )
        return format_html(
            '<table class="kj-figures"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            gettext("indicator"),
            gettext("value"),
            gettext("pre-filled value"),
            gettext("explanation of the difference"),
            rows,
        )
