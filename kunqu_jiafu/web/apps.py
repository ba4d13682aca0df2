from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "kunqu_jiafu.web"
    label = "web"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from django.core import checks as django_checks

        from kunqu_jiafu.ratelimit import check_shared_cache

        from . import checks  # noqa: F401  (registers the production checks)

        django_checks.register(check_shared_cache, django_checks.Tags.caches, deploy=True)


class PortalAdminConfig(AdminConfig):
    default_site = "kunqu_jiafu.web.admin_site.PortalAdminSite"
