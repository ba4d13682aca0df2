"""Pieces shared by the admin pages of every area."""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from import_export.admin import ExportMixin
from import_export.formats.base_formats import XLSX

READ_ONLY_BUTTONS = {
    "show_save": False,
    "show_save_and_continue": False,
    "show_save_and_add_another": False,
    "show_delete": False,
}


def badge(tone: str, label, title: str = "") -> str:
    return format_html('<span class="kj-badge kj-{}" title="{}">{}</span>', tone, title, label)


def short_date(value) -> str:
    return value.strftime("%Y-%m-%d") if value else "—"


def status_badge(obj, tones: dict[str, str]) -> str:
    """The object's status as a badge, in the tone its area gives that status."""
    return badge(tones.get(obj.status, "muted"), obj.get_status_display())


class ExportXlsxMixin(ExportMixin):
    """Export the current (filtered) list as XLSX; never import through the admin."""

    export_resource = None
    skip_export_form = True
    import_export_change_list_template = None
    change_list_template = "admin/kit/change_list.html"

    def get_export_formats(self):
        return [XLSX]

    def get_export_resource_classes(self, request):
        return [self.export_resource]

    def get_export_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_export_filename(self, request, queryset, file_format):
        return f"{self.opts.verbose_name_plural}-{timezone.localdate():%Y%m%d}.xlsx"

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        # import-export writes the file name raw into the header; a Chinese name needs
        # RFC 6266 encoding (filename*=UTF-8''...) to reach the browser intact.
        response = super()._do_file_export(file_format, request, queryset, export_form)
        response["Content-Disposition"] = content_disposition_header(
            True, self.get_export_filename(request, queryset, file_format)
        )
        return response


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

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
