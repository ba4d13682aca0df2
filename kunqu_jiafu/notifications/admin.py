"""Notifications in the admin: a read-only record of what was sent to whom."""

from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "title", "read_at", "emailed_at")
    list_filter = (
        ("read_at", admin.EmptyFieldListFilter),
        ("emailed_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("title", "recipient__username", "recipient__full_name")
    date_hierarchy = "created_at"
    list_select_related = ("recipient",)
    list_per_page = 50
    fields = ("recipient", "title", "body", "url", "created_at", "read_at", "emailed_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
