from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.accounts.roles import APPROVER, AUDIT_ADMIN, REVIEWER


class AuditConfig(AppConfig):
    name = "kunqu_jiafu.audit"
    label = "audit"
    verbose_name = _("Audit log")
    role_permissions = {
        REVIEWER: ["audit.view_auditentry"],
        APPROVER: ["audit.view_auditentry"],
        # 三员分立: the audit administrator reads the log (and its verification), nothing else.
        AUDIT_ADMIN: ["audit.view_auditentry"],
    }

    def ready(self):
        from . import actions, signals

        actions.discover()
        signals.connect()
