from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "kunqu_jiafu.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
    # The system administrator watches the e-mails that failed and sends them again.
    role_permissions = {"系统管理员": ["notifications.view_notification"]}
