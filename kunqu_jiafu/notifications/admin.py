"""Notifications in the admin: a read-only record of what was sent to whom, with the e-mails
that failed after every retry, which staff can send again."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.accounts.roles import SYSTEM_ADMIN, has_role, is_staff_member
from kunqu_jiafu.web.admin_kit.common import badge

from .models import Notification
from .services import notifications_email_again


class EmailStatusFilter(admin.SimpleListFilter):
    title = _("e-mail")
    parameter_name = "email"

    def lookups(self, request, model_admin):
        return (
            ("sent", _("Sent")),
            ("pending", _("Not yet sent")),
            ("failed", _("Failed")),
        )

    def queryset(self, request, queryset):
        if self.value() == "sent":
            return queryset.filter(emailed_at__isnull=False)
        if self.value() == "pending":
            return queryset.filter(emailed_at__isnull=True, email_failed_at__isnull=True)
        if self.value() == "failed":
            return queryset.filter(emailed_at__isnull=True, email_failed_at__isnull=False)
        return queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "title", "read_at", "email_status")
    list_filter = (("read_at", admin.EmptyFieldListFilter), EmailStatusFilter)
    search_fields = ("title", "recipient__username", "recipient__full_name")
    date_hierarchy = "created_at"
    list_select_related = ("recipient",)
    list_per_page = 50
    actions = ("email_again",)
    fields = (
        "recipient",
        "title",
        "body",
        "url",
        "created_at",
        "read_at",
        "emailed_at",
        "email_failed_at",
        "email_attempts",
        "email_error",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_email_again_permission(self, request):
        return is_staff_member(request.user) or has_role(request.user, SYSTEM_ADMIN)

    @admin.display(description=_("emailed at"), ordering="emailed_at")
    def email_status(self, obj):
        if obj.emailed_at:
            return obj.emailed_at  # the admin shows it in local time, as the other columns
        if obj.email_failed_at:
            return format_html(
                '{} <span class="kj-muted">{}</span>',
                badge("negative", gettext("Failed")),
                obj.email_error,
            )
        return "-"

    @admin.action(description=_("Send the e-mail again"), permissions=["email_again"])
    def email_again(self, request, queryset):
        queued = notifications_email_again(
            actor=request.user, ids=queryset.values_list("pk", flat=True)
        )
        messages.success(
            request,
            ngettext(
                "%(count)s e-mail is being sent again.",
                "%(count)s e-mails are being sent again.",
                queued,
            )
            % {"count": queued},
        )
