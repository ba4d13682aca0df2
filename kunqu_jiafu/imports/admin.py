"""Import jobs in the admin: staff see every job, failed ones first to hand (a filter), and
open a job's page. Nothing is added or changed here: jobs are made by uploads."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.accounts.roles import is_staff_member

from .models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "agency", "file_name", "status", "error_short", "page")
    list_filter = ("status", "kind")
    list_select_related = ("agency",)
    date_hierarchy = None
    search_fields = ("file_name", "agency__name")

    def has_module_permission(self, request):
        return is_staff_member(request.user)

    def has_view_permission(self, request, obj=None):
        return is_staff_member(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("why it failed"))
    def error_short(self, obj):
        return obj.error[:80]

    @admin.display(description=_("page"))
    def page(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("imports:job", args=[obj.pk]), _("open"))
