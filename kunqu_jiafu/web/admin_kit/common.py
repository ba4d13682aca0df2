"""Pieces shared by the admin pages of every area."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.forms.models import _get_foreign_key
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from import_export.admin import ExportMixin
from import_export.formats.base_formats import XLSX

from kunqu_jiafu.documents.xlsx import dataset_xlsx
from kunqu_jiafu.exports.registry import register
from kunqu_jiafu.exports.views import export_or_queue
from kunqu_jiafu.web.formats import short_date as short_date  # the one definition

from .exports import AdminExporter

READ_ONLY_BUTTONS = {
    "show_save": False,
    "show_save_and_continue": False,
    "show_save_and_add_another": False,
    "show_delete": False,
}


def badge(tone: str, label, title: str = "") -> str:
    return format_html('<span class="kj-badge kj-{}" title="{}">{}</span>', tone, title, label)


def status_badge(obj, tones: dict[str, str]) -> str:
    """The object's status as a badge, in the tone its area gives that status."""
    return badge(tones.get(obj.status, "muted"), obj.get_status_display())


class TypedXLSX(XLSX):
    """import-export's XLSX, written by documents.xlsx: typed cells (its own writer turns
    every cell into text when it escapes formulas), the sheet named after the list."""

    def export_data(self, dataset, **kwargs):
        return dataset_xlsx(dataset, dataset.title or "")


class ExportXlsxMixin(ExportMixin):
    """Export the current (filtered) list as XLSX; never import through the admin.

    The admin declares ``export_resource`` (its columns); the mixin registers the list's
    export in the exporter registry under ``export_key`` (default ``<app_label>.<model_name>``)
    and answers the export button through it (``kunqu_jiafu.exports.views.export_or_queue``):
    the file at once, or an export job when the list has more than ``EXPORT_BACKGROUND_ROWS``
    rows. The sheet is named after the list (the model's plural name), numbers and dates are
    typed cells, and the file gets a Chinese name with an ASCII fallback."""

    export_resource = None
    export_key: str | None = None
    skip_export_form = True
    import_export_change_list_template = None
    change_list_template = "admin/kit/change_list.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.exporter = register(AdminExporter(self))

    def get_export_formats(self):
        return [TypedXLSX]

    def get_export_resource_classes(self, request):
        return [self.export_resource]

    def get_export_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_export_filename(self, request, queryset, file_format):
        return f"{self.opts.verbose_name_plural}-{timezone.localdate():%Y%m%d}.xlsx"

    def get_export_sheet_title(self) -> str:
        return str(self.opts.verbose_name_plural)

    def export_action(self, request):
        if not self.has_export_permission(request):
            raise PermissionDenied
        list_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        return export_or_queue(request, self.exporter, list_url=list_url)


class ServiceSaveMixin:
    """The form's validation already called the service; the admin must not save again."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def save_model(self, request, obj, form, change):
        pass

    def save_related(self, request, form, formsets, change):
        # Inlines here are read-only: nothing to save, but the change message reads these.
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        # Each row's title (its __str__) names the parent: load the parent with the rows, or
        # the page runs one query per row (tests/test_admin_query_counts.py).
        fk = _get_foreign_key(self.parent_model, self.model, fk_name=self.fk_name)
        return super().get_queryset(request).select_related(fk.name)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
