from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.accounts.roles import APPROVER, REVIEWER


class AuditConfig(AppConfig):
    name = "kunqu_jiafu.audit"
    label = "audit"
    verbose_name = _("Audit log")
    role_permissions = {
        REVIEWER: ["audit.view_auditentry"],
        APPROVER: ["audit.view_auditentry"],
    }

    def ready(self):
        from . import actions, signals

        actions.discover()
        signals.connect()
