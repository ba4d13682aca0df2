from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "kunqu_jiafu.audit"
    label = "audit"
    verbose_name = _("Audit log")
    role_permissions = {
        "业务经办": ["audit.view_auditentry"],
        "审批领导": ["audit.view_auditentry"],
    }

    def ready(self):
        from . import actions

        actions.discover()
