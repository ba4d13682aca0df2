from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from .roles import SECURITY_ADMIN


class AccountsConfig(AppConfig):
    name = "kunqu_jiafu.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")
    # The security administrator keeps accounts, groups and API tokens (三员分立).
    role_permissions = {
        SECURITY_ADMIN: [
            "accounts.view_user",
            "accounts.add_user",
            "accounts.change_user",
            "auth.view_group",
            "auth.add_group",
            "auth.change_group",
            "authtoken.view_tokenproxy",
            "authtoken.delete_tokenproxy",
        ],
    }

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_migrate, pre_save

        from . import checks  # noqa: F401  (registers the deploy check)
        from .models import User
        from .roles import sync_role_permissions
        from .services import on_groups_changed, on_user_saved

        post_migrate.connect(sync_role_permissions, dispatch_uid="accounts.sync_role_permissions")
        m2m_changed.connect(
            on_groups_changed, sender=User.groups.through, dispatch_uid="accounts.groups_changed"
        )
        pre_save.connect(on_user_saved, sender=User, dispatch_uid="accounts.user_saved")
