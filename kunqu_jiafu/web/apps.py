from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "kunqu_jiafu.web"
    label = "web"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from django.core import checks

        from kunqu_jiafu.ratelimit import check_shared_cache

        checks.register(check_shared_cache, checks.Tags.caches, deploy=True)


class PortalAdminConfig(AdminConfig):
    default_site = "kunqu_jiafu.web.admin_site.PortalAdminSite"
