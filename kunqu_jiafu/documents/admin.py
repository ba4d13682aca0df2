"""Documents in the admin: read-only; files open only through the permission-checking view."""

from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = (
        "file_link",
        "purpose",
        "content_type",
        "size_display",
        "uploaded_by",
        "created_at",
    )
    list_filter = ("content_type", "purpose")
    search_fields = ("original_name", "purpose", "sha256")
    date_hierarchy = "created_at"
    list_select_related = ("uploaded_by",)
    list_per_page = 50
    # Never the storage path: the file is reached only through documents:download.
    fields = (
        "file_link",
        "purpose",
        "content_type",
        "size_display",
        "sha256",
        "owner_display",
        "uploaded_by",
        "created_at",
    )
    readonly_fields = fields

    @admin.display(description=_("file"), ordering="original_name")
    def file_link(self, obj):
        return format_html(
            '<a href="{}?inline=1" target="_blank" rel="noopener">{}</a>',
            obj.get_absolute_url(),
            obj.original_name,
        )

    @admin.display(description=_("size"), ordering="size")
    def size_display(self, obj):
        return filesizeformat(obj.size)

    @admin.display(description=_("belongs to"))
    def owner_display(self, obj):
        if not obj.owner_type_id:
            return "—"
        return f"{obj.owner_type.name} #{obj.owner_id}"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
