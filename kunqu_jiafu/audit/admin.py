from collections import Counter

from django.contrib import admin, messages
from django.core.exceptions import FieldDoesNotExist
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import actions
from .models import AuditEntry
from .services import latest_check


class ActionFilter(admin.SimpleListFilter):
    """Filter by action, listed by Chinese name; the URL carries the code (?action=...)."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        stored = AuditEntry.objects.order_by().values_list("action", flat=True).distinct()
        codes = {actions.current(code) for code in stored}  # an old code lists as its new one
        return sorted(((code, actions.label(code)) for code in codes), key=lambda c: c[1])

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(action__in=actions.spellings(self.value()))
        return queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "actor_label",
        "client_address",
        "action_name",
        "object_repr",
        "reason",
    )
    # Only the kinds of record the log holds entries about (not every model, sessions and
    # content types included).
    list_filter = (ActionFilter, ("content_type", admin.RelatedOnlyFieldListFilter))
    search_fields = ("action", "object_repr", "actor_label", "reason", "client_address")
    date_hierarchy = "created_at"
    list_select_related = ("content_type",)
    fields = (
        "created_at",
        "actor",
        "actor_label",
        "client_address",
        "action_name",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "before",
        "after",
        "reason",
        "prev_hash",
        "entry_hash",
    )
    readonly_fields = fields

    @admin.display(description=_("action"), ordering="action")
    def action_name(self, obj):
        return format_html('<span title="{}">{}</span>', obj.action, actions.label(obj.action))

    def changelist_view(self, request, extra_context=None):
        """Those who read the log see at once when the scheduled verification failed."""
        check = latest_check()
        if check is not None and not check.ok:
            messages.error(
                request,
                _(
                    "The scheduled verification of %(at)s failed: %(problem)s. Run manage.py "
                    "audit_verify on the server and follow docs/operations.md."
                )
                % {
                    "at": timezone.localtime(check.ran_at).strftime("%Y-%m-%d %H:%M"),
                    "problem": check.problem,
                },
            )
        elif check is not None:
            messages.info(
                request,
                _("Last scheduled verification: %(at)s, %(count)s entries, passed.")
                % {
                    "at": timezone.localtime(check.ran_at).strftime("%Y-%m-%d %H:%M"),
                    "count": check.checked,
                },
            )
        return super().changelist_view(request, extra_context)

    def get_search_results(self, request, queryset, search_term):
        filtered = queryset  # already narrowed by the list filters
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # Searching "审批通过" finds the entries whose action has that name.
        codes = actions.codes_named_like(search_term)
        if codes:
            queryset |= filtered.filter(action__in=codes)
        return queryset, may_have_duplicates

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
        # The actions of this object's trail, by name, to filter on (?action=<code>).
        counts = Counter(actions.current(entry.action) for entry in entries)
        action_choices = sorted(
            ((code, actions.label(code), n) for code, n in counts.items()), key=lambda c: c[1]
        )
        selected = actions.current(request.GET.get("action", ""))
        if selected in counts:
            entries = [entry for entry in entries if actions.current(entry.action) == selected]
        else:
            selected = ""
        for entry in entries:
            entry.action_name = actions.label(entry.action)
            entry.changes = [
                (_label(obj, key), old, new)
                for key, old, new in _changes(entry.before, entry.after)
            ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("History: %(object)s") % {"object": obj},
            "subtitle": None,
            "entries": entries,
            "action_choices": action_choices,
            "selected_action": selected,
            "object": obj,
            "opts": self.opts,
            "module_name": str(self.opts.verbose_name_plural),
            "preserved_filters": self.get_preserved_filters(request),
        }
        context.update(extra_context or {})
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/audit_history.html", context)
