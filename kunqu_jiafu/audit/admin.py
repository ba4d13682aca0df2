from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor_label", "action", "object_repr", "reason")
    list_filter = ("action", "content_type")
    search_fields = ("action", "object_repr", "actor_label", "reason")
    date_hierarchy = "created_at"
    list_select_related = ("content_type",)
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _changes(before, after) -> list[tuple[str, object, object]]:
    """(field, before, after) for the keys that differ, so the page shows what changed."""
    before = {} if before is None else before
    after = {} if after is None else after
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    keys = list(dict.fromkeys([*before, *after]))
    return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


def _label(obj, key: str) -> str:
    try:
        field = obj._meta.get_field(key)
    except FieldDoesNotExist:  # a key that is not a field (e.g. a computed figure)
        return key
    if field.auto_created and not field.concrete:
        # A reverse relation (a settlement statement's "vouchers") has no verbose name.
        return str(field.related_model._meta.verbose_name_plural)
    return str(field.verbose_name)


class AuditHistoryMixin:
    """Replace the admin 'history' page with the object's audit trail."""

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, admin.utils.unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        entries = list(AuditEntry.objects.for_object(obj).select_related("actor").order_by("id"))
        for entry in entries:
            entry.changes = [
                (_label(obj, key), old, new)
                for key, old, new in _changes(entry.before, entry.after)
            ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("History: %(object)s") % {"object": obj},
            "subtitle": None,
            "entries": entries,
            "object": obj,
            "opts": self.opts,
            "module_name": str(self.opts.verbose_name_plural),
            "preserved_filters": self.get_preserved_filters(request),
        }
        context.update(extra_context or {})
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/audit_history.html", context)
