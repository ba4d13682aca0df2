from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kunqu_jiafu.accounts.roles import SYSTEM_ADMIN


class NotificationsConfig(AppConfig):
    name = "kunqu_jiafu.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
    # The system administrator watches the e-mails that failed and sends them again.
    role_permissions = {SYSTEM_ADMIN: ["notifications.view_notification"]}
