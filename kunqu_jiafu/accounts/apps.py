from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kunqu_jiafu.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_sync_roles, dispatch_uid="accounts.sync_role_permissions")


def _sync_roles(**kwargs) -> None:
    """migrate's role sync applies the code's own declarations: not an account change to log
    (the audit's signal handlers skip it; an administrator's changes are logged)."""
    from kunqu_jiafu.audit.context import unaudited

    from .roles import sync_role_permissions

    with unaudited():
        sync_role_permissions(**kwargs)
