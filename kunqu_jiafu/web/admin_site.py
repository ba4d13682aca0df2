from django.apps import apps
from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class PortalAdminSite(admin.AdminSite):
    site_header = _("Kundulun family services: bureau back office")
    site_title = _("Kundulun family services")
    index_title = _("Work desk")
    index_template = "admin/portal_index.html"
    # The lists are wide (many columns, Chinese names); the app list is one click away.
    enable_nav_sidebar = False

    def register(self, model_or_iterable, admin_class=None, **options):
        super().register(model_or_iterable, admin_class, **options)
        # Every changelist checks date parts in its query string (admin_kit.changelist),
        # whichever changelist class its ModelAdmin brings.
        from kunqu_jiafu.web.admin_kit.changelist import checked

        for model_admin in self._registry.values():
            if not getattr(model_admin, "_date_parts_checked", False):
                original = model_admin.get_changelist

                def get_changelist(request, _original=original, **kwargs):
                    return checked(_original(request, **kwargs))

                model_admin.get_changelist = get_changelist
                model_admin._date_parts_checked = True

    def has_permission(self, request):
        # Staff flag alone is not enough: only bureau roles, the administrators of 三员分立
        # (or the break-glass superuser) get in, and only in a session that passed the second
        # factor (kunqu_jiafu.second_factor).
        from kunqu_jiafu.accounts.roles import is_administrator, is_staff_member
        from kunqu_jiafu.second_factor.services import session_verified

        user = request.user
        return (
            user.is_active
            and user.is_staff
            and (user.is_superuser or is_staff_member(user) or is_administrator(user))
            and session_verified(request)
        )

    def index(self, request, extra_context=None):
        panels = []
        for config in apps.get_app_configs():
            provider = getattr(config, "dashboard_panels", None)
            if provider is not None:
                panels.extend(provider(request))
        extra_context = {**(extra_context or {}), "dashboard_panels": panels}
        return super().index(request, extra_context)
