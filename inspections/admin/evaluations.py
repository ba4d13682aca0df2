"""The performance evaluation (绩效考评) in the back office: the year's scheme with its criteria
(editable until an evaluation of the year is concluded) and thresholds (until the year is
closed), the quota of 优秀 against the cap; the evaluations, scored per criterion on their page
and concluded there or several at once (highest scores first); a ledger in XLSX."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext, ngettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.audit.admin import AuditHistoryMixin
from kunqu_jiafu.web.admin_kit.common import READ_ONLY_BUTTONS, ExportXlsxMixin, badge
from kunqu_jiafu.web.forms import show_service_errors

from .. import permissions, selectors
from ..models import EvaluationCriterion, EvaluationScheme, PerformanceEvaluation
from ..services import evaluations as service
from ..services.evaluations import points
from .common import OfficialsReadOnlyMixin, message_of
from .evaluation_exports import EvaluationExport

RATING_TONES = {
    "excellent": "positive",
    "good": "positive",
    "qualified": "warning",
    "unqualified": "negative",
    "none": "muted",
}


# --- the scheme ----------------------------------------------------------------------------


class SchemeForm(forms.ModelForm):
    class Meta:
        model = EvaluationScheme
        fields = ("year", "excellent_score", "good_score", "qualified_score", "excellent_share")

    def clean(self):
        data = super().clean()
        if self.instance.pk is None:
            return data
        if self.instance.closed_at is not None:
            raise ValidationError(
                gettext("The evaluation of %(year)s is closed; its settings can no longer change.")
                % {"year": self.instance.year}
            )
        values = {name: data.get(name) for name in service.THRESHOLD_FIELDS}
        if None not in values.values():
            try:
                service._check_thresholds(values)
            except ValidationError as exc:
                show_service_errors(self, exc)
        return data


class CriteriaFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            f.cleaned_data
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        total = sum((d.get("weight") or Decimal(0) for d in kept), Decimal(0))
        if kept and total != 100:
            raise ValidationError(
                gettext("The criteria's points add up to %(total)s; they must add up to 100.")
                % {"total": points(total)}
            )


class CriterionInline(admin.TabularInline):
    model = EvaluationCriterion
    formset = CriteriaFormSet
    fields = ("sort_order", "code", "title", "weight", "guidance")
    extra = 0
    classes = ("kj-criteria",)

    def _editable(self, request, obj) -> bool:
        return (
            obj is not None
            and permissions.can_evaluate(request.user)[0]
            and service.criteria_editable(obj)
        )

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj)


@admin.register(EvaluationScheme)
class EvaluationSchemeAdmin(OfficialsReadOnlyMixin, AuditHistoryMixin, admin.ModelAdmin):
    form = SchemeForm
    inlines = [CriterionInline]
    list_display = (
        "year",
        "excellent_score",
        "good_score",
        "qualified_score",
        "excellent_share",
        "evaluation_count_display",
        "concluded_display",
        "quota_display",
        "closed_display",
    )
    readonly_fields = ("quota_display", "closed_display")
    actions = ("create_evaluations", "close_year")
    list_per_page = 50

    def get_queryset(self, request):
        return selectors.schemes_for_user(request.user)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("year",)
        return (*SchemeForm.Meta.fields, "quota_display", "closed_display")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if obj.closed_at is not None or not self.has_change_permission(request, obj):
            return self.get_fields(request, obj)
        return ("year", "quota_display", "closed_display")

    def has_add_permission(self, request):
        return permissions.can_evaluate(request.user)[0]

    def has_change_permission(self, request, obj=None):
        return (
            super().has_change_permission(request, obj)
            and (permissions.can_evaluate(request.user)[0])
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            created = service.scheme_create(actor=request.user, year=form.cleaned_data["year"])
            obj.pk = created.pk
            return
        service.scheme_update(actor=request.user, scheme=obj, data=form.cleaned_data)

    def save_formset(self, request, form, formset, change):
        if not formset.has_changed():
            return
        changed = formset.save(commit=False)
        service.criteria_save(
            actor=request.user,
            scheme=form.instance,
            changed=changed,
            deleted=formset.deleted_objects,
        )

    def add_view(self, request, form_url="", extra_context=None):
        if request.method == "POST" and request.POST.get("year"):
            try:
                year = int(request.POST["year"])
            except ValueError:
                year = None
            if year and selectors.scheme_for_year(year) is not None:
                messages.error(
                    request,
                    gettext("The performance evaluation of %(year)s already exists.")
                    % {"year": year},
                )
        return super().add_view(request, form_url, extra_context)

    @admin.display(description=_("evaluations"), ordering="evaluation_count")
    def evaluation_count_display(self, obj):
        return obj.evaluation_count

    @admin.display(description=pgettext_lazy("evaluation", "concluded"))
    def concluded_display(self, obj):
        return obj.concluded_count

    @admin.display(description=_("rated excellent / cap"))
    def quota_display(self, obj):
        base = getattr(obj, "evaluation_count", None)
        used = getattr(obj, "excellent_count", None)
        if base is None or used is None:  # the change page of a new object
            figures = selectors.excellent_figures(obj)
            base, used = figures["base"], figures["used"]
        cap = selectors.excellent_cap(obj, base)
        tone = "negative" if used > cap else ("warning" if used == cap and cap else "positive")
        label = gettext("%(used)s of %(cap)s") % {"used": used, "cap": cap}
        title = gettext("At most %(share)s%% of %(base)s evaluations may be rated excellent") % {
            "share": points(obj.excellent_share),
            "base": base,
        }
        return badge(tone, label, title)

    @admin.display(description=_("status"))
    def closed_display(self, obj):
        if obj.closed_at is None:
            return badge("pending", pgettext("evaluation year", "open"))
        return badge("neutral", gettext("closed"))

    @admin.action(description=_("Create the year's evaluations for every registered agency"))
    def create_evaluations(self, request, queryset):
        for scheme in queryset:
            try:
                made = service.evaluations_create_for_year(actor=request.user, scheme=scheme)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, f"{scheme.year}：{message_of(exc)}")
                continue
            messages.success(
                request,
                ngettext(
                    "%(year)s: %(count)s evaluation created.",
                    "%(year)s: %(count)s evaluations created.",
                    made,
                )
                % {"year": scheme.year, "count": made},
            )

    @admin.action(description=_("Close the year (every evaluation concluded)"))
    def close_year(self, request, queryset):
        for scheme in queryset:
            try:
                service.scheme_close(actor=request.user, scheme=scheme)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, f"{scheme.year}：{message_of(exc)}")
            else:
                messages.success(request, gettext("%(year)s closed.") % {"year": scheme.year})


# --- the evaluations -----------------------------------------------------------------------


class ScoreForm(forms.ModelForm):
    """One points field per criterion of the year (added by the admin's get_form)."""

    criteria: list = []

    class Meta:
        model = PerformanceEvaluation
        fields = ("notes",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scores = {s.criterion_id: s.score for s in self.instance.scores.all()}
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"].initial = scores.get(criterion.pk)

    def _post_clean(self):
        pass  # the service validates and writes

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        scores = {c.pk: data.get(f"score_{c.pk}") for c in self.criteria}
        try:
            self.instance = service.evaluation_score(
                actor=self.request.user,
                evaluation=self.instance,
                scores=scores,
                notes=data.get("notes") or "",
            )
        except ValidationError as exc:
            show_service_errors(self, exc)
        except PermissionDenied as exc:
            self.add_error(None, str(exc))
        return data


def _score_field(criterion) -> forms.DecimalField:
    return forms.DecimalField(
        label=gettext("%(criterion)s (%(points)s points)")
        % {"criterion": criterion.title, "points": points(criterion.weight)},
        help_text=criterion.guidance,
        required=False,
        min_value=0,
        max_value=criterion.weight,
        max_digits=5,
        decimal_places=2,
    )


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return (
            ("unscored", _("not scored")),
            ("scored", _("scored, not concluded")),
            ("concluded", pgettext_lazy("evaluation", "concluded")),
        )

    def queryset(self, request, queryset):
        value = self.value()
        if value == "unscored":
            return queryset.filter(score__isnull=True, concluded_at__isnull=True)
        if value == "scored":
            return queryset.filter(score__isnull=False, concluded_at__isnull=True)
        if value == "concluded":
            return queryset.filter(concluded_at__isnull=False)
        return queryset


@admin.register(PerformanceEvaluation)
class PerformanceEvaluationAdmin(
    OfficialsReadOnlyMixin, AuditHistoryMixin, ExportXlsxMixin, admin.ModelAdmin
):
    export_resource = EvaluationExport
    change_list_template = "admin/inspections/performanceevaluation/change_list.html"
    change_form_template = "admin/inspections/performanceevaluation/change_form.html"
    list_display = (
        "year",
        "agency",
        "score",
        "rating_display",
        "status_display",
        "evaluated_by",
    )
    list_filter = ("scheme__year", "rating", StatusFilter, "agency__street")
    search_fields = ("agency__name", "agency__uscc")
    list_select_related = ("scheme", "agency", "evaluated_by")
    actions = ("conclude",)
    list_per_page = 50
    ordering = ("-scheme__year", "agency__name", "pk")

    def get_queryset(self, request):
        return selectors.evaluations_for_user(request.user)

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).select_related("agency__street")

    def _open(self, request, obj) -> bool:
        return (
            obj is not None
            and obj.concluded_at is None
            and obj.scheme.closed_at is None
            and permissions.can_evaluate(request.user)[0]
        )

    def has_add_permission(self, request):
        return False  # made for the year at once, on the scheme's list

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None:
            return allowed and permissions.can_evaluate(request.user)[0]
        return allowed and self._open(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        open_ = self._open(request, obj)
        criteria = list(obj.scheme.criteria.all()) if open_ else []
        attrs = {f"score_{c.pk}": _score_field(c) for c in criteria}
        attrs.update(criteria=criteria, request=request)
        kwargs["form"] = type("EvaluationScoreForm", (ScoreForm,), attrs)
        kwargs["fields"] = ["notes", *(f"score_{c.pk}" for c in criteria)]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        head = (None, {"fields": ("agency", "year", "rating_display", "status_display", "score")})
        if obj is None or not self._open(request, obj):
            return (head, (_("Scores"), {"fields": ("scores_display", "notes")}))
        criteria = [f"score_{c.pk}" for c in obj.scheme.criteria.all()]
        return (head, (_("Scores"), {"fields": (*criteria, "notes")}))

    def get_readonly_fields(self, request, obj=None):
        fixed = ("agency", "year", "rating_display", "status_display", "score", "scores_display")
        if obj is None or not self._open(request, obj):
            return (*fixed, "notes")
        return fixed

    def save_model(self, request, obj, form, change):
        pass  # ScoreForm.clean called the service

    def save_related(self, request, form, formsets, change):
        pass

    def response_change(self, request, obj):
        if "_conclude" in request.POST:
            self._conclude_one(request, obj)
        return super().response_change(request, obj)

    def _conclude_one(self, request, obj) -> None:
        try:
            evaluation, capped = service.evaluation_conclude(actor=request.user, evaluation=obj)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, message_of(exc))
            return
        self._report(request, evaluation, capped)

    def _report(self, request, evaluation, capped) -> None:
        text = gettext("%(agency)s: concluded, %(score)s points, %(rating)s.") % {
            "agency": evaluation.agency,
            "score": points(evaluation.score),
            "rating": evaluation.get_rating_display(),
        }
        if capped:
            text += " " + gettext(
                "The score reaches excellent, but the year's quota of excellent ratings is "
                "used: rated good."
            )
            messages.warning(request, text)
        else:
            messages.success(request, text)

    def changelist_view(self, request, extra_context=None):
        extra = {"quotas": self._quotas(request), **(extra_context or {})}
        return super().changelist_view(request, extra)

    def _quotas(self, request) -> list[dict]:
        rows = selectors.schemes_for_user(request.user).order_by("-year")[:3]
        return [
            {
                "year": s.year,
                "used": s.excellent_count,
                "cap": selectors.excellent_cap(s, s.evaluation_count),
                "base": s.evaluation_count,
                "share": points(s.excellent_share),
            }
            for s in rows
        ]

    @admin.action(description=_("Conclude the selected evaluations (highest scores first)"))
    def conclude(self, request, queryset):
        if not permissions.can_evaluate(request.user)[0]:
            raise PermissionDenied
        for evaluation, outcome in service.evaluations_conclude(
            actor=request.user, evaluations=queryset
        ):
            if isinstance(outcome, Exception):
                messages.error(request, f"{evaluation.agency}：{message_of(outcome)}")
            else:
                self._report(request, evaluation, outcome)

    @admin.display(description=_("year"), ordering="scheme__year")
    def year(self, obj):
        return obj.scheme.year

    @admin.display(description=_("rating"), ordering="rating")
    def rating_display(self, obj):
        if obj.concluded_at is None:
            return badge("muted", gettext("not concluded"))
        return badge(RATING_TONES.get(obj.rating, "muted"), obj.get_rating_display())

    @admin.display(description=_("status"))
    def status_display(self, obj):
        if obj.concluded_at is not None:
            return badge("positive", pgettext("evaluation", "concluded"))
        if obj.score is not None:
            return badge("warning", gettext("scored, not concluded"))
        return badge("pending", gettext("not scored"))

    @admin.display(description=_("scores"))
    def scores_display(self, obj):
        scores = {s.criterion_id: s.score for s in obj.scores.all()}
        lines = [
            f"{c.title}：{points(scores[c.pk]) if c.pk in scores else '—'} / {points(c.weight)}"
            for c in obj.scheme.criteria.all()
        ]
        return "；".join(lines) or "—"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if obj is not None and not self._open(request, obj):
            extra.update(READ_ONLY_BUTTONS)
        extra["can_conclude"] = obj is not None and self._open(request, obj)
        return super().change_view(request, object_id, form_url, extra)
