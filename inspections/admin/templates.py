"""Checklist templates with their items inline. A template in use is shown read-only with
"make a new version"; an unused one (a new version) may be edited, through the services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.audit.admin import AuditHistoryMixin
from kunqu_jiafu.web.admin_kit.common import badge

from .. import permissions, selectors
from ..models import ChecklistItem, ChecklistTemplate
from ..services import templates
from .forms import ItemForm, ItemFormSet, TemplateForm


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or gettext("You may not do this.")


def _points(value) -> str:
    """85.00 → 85, 72.50 → 72.5 (never 8.5E+1)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _in_use(request, obj) -> bool:
    """Whether the template is used by inspections, asked once per request."""
    if obj is None or obj.pk is None:
        return False
    cache = request.__dict__.setdefault("_templates_in_use", {})
    if obj.pk not in cache:
        cache[obj.pk] = selectors.template_in_use(obj)
    return cache[obj.pk]


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    formset = ItemFormSet
    form = ItemForm
    fields = ("sort_order", "group", "code", "title", "weight", "source", "guidance")
    extra = 0
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("template")

    def _editable(self, request, obj) -> bool:
        return (
            obj is not None
            and permissions.can_manage_templates(request.user)[0]
            and not _in_use(request, obj)
        )

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj)


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(AuditHistoryMixin, admin.ModelAdmin):
    form = TemplateForm
    inlines = (ChecklistItemInline,)
    change_form_template = "admin/inspections/checklisttemplate/change_form.html"
    list_display = (
        "name",
        "subject_kind",
        "version",
        "current_display",
        "thresholds_display",
        "items_total",
        "inspections_total",
    )
    list_filter = ("subject_kind", "current")
    search_fields = ("name",)
    actions = ("make_new_version",)
    list_per_page = 50
    fields = ("subject_kind", "version", "name", "pass_score", "basic_score", "note", "created_by")

    def get_queryset(self, request):
        return selectors.templates_for_user(request.user).select_related("created_by")

    def has_add_permission(self, request):
        return False  # the defaults are seeded; changes are made on a new version

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return (
            super().has_change_permission(request, obj)
            and (permissions.can_manage_templates(request.user)[0])
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None or _in_use(request, obj) or not self.has_change_permission(request, obj):
            return self.fields
        return ("subject_kind", "version", "created_by")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra = {
            "template_in_use": _in_use(request, obj),
            "may_version": obj is not None
            and self.has_change_permission(request, obj)
            and permissions.can_manage_templates(request.user)[0],
        }
        if extra["template_in_use"]:
            extra.update(show_save=False, show_save_and_continue=False)
        return super().change_view(request, object_id, form_url, extra | (extra_context or {}))

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        templates.template_update(
            actor=request.user,
            template=obj,
            name=data["name"],
            pass_score=data["pass_score"],
            basic_score=data["basic_score"],
            note=data.get("note") or "",
        )

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            if formset.has_changed():
                templates.template_items_set(
                    actor=request.user, template=form.instance, rows=formset.rows()
                )
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    @admin.display(description=_("current version"), boolean=True, ordering="current")
    def current_display(self, obj):
        return obj.current

    @admin.display(description=_("thresholds"))
    def thresholds_display(self, obj):
        return badge(
            "neutral",
            gettext("pass ≥ %(passing)s · basic pass ≥ %(basic)s")
            % {"passing": _points(obj.pass_score), "basic": _points(obj.basic_score)},
        )

    @admin.display(description=_("items"), ordering="items_total")
    def items_total(self, obj):
        return obj.items_total

    @admin.display(description=_("inspections planned"), ordering="inspections_total")
    def inspections_total(self, obj):
        return obj.inspections_total

    @admin.action(description=_("Make a new version"), permissions=["change"])
    def make_new_version(self, request, queryset):
        made = []
        for template in queryset.order_by("subject_kind", "version"):
            try:
                made.append(templates.template_new_version(actor=request.user, template=template))
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, f"{template}：{_message(exc)}")
        if not made:
            return None
        messages.success(
            request,
            ngettext(
                "%(names)s made; it is now the current template. Change its items, then plan.",
                "%(names)s made; they are now the current templates. Change their items.",
                len(made),
            )
            % {"names": "、".join(str(t) for t in made)},
        )
        if len(made) == 1:
            return redirect(
                reverse("admin:inspections_checklisttemplate_change", args=[made[0].pk])
            )
        return None
