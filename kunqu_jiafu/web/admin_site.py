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

    def has_permission(self, request):
        # Staff flag alone is not enough: only bureau roles (or the set-up superuser) get in.
        from kunqu_jiafu.accounts.roles import is_staff_member

        user = request.user
        return user.is_active and user.is_staff and (user.is_superuser or is_staff_member(user))

    def index(self, request, extra_context=None):
        panels = []
        for config in apps.get_app_configs():
            provider = getattr(config, "dashboard_panels", None)
            if provider is not None:
                panels.extend(provider(request))
        extra_context = {**(extra_context or {}), "dashboard_panels": panels}
        return super().index(request, extra_context)
