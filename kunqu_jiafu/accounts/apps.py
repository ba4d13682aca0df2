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
            # Resetting an account's second factor (kunqu_jiafu.second_factor.admin).
            "otp_totp.delete_totpdevice",
        ],
    }

    def ready(self) -> None:
        from django.contrib.auth.management import create_permissions
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import m2m_changed, post_migrate, pre_save

        from . import checks  # noqa: F401  (registers the deploy check)
        from .middleware import start_session_clock
        from .models import User
        from .services import on_groups_changed, on_user_saved

        # This app is listed before django.contrib.auth (its createsuperuser wins), so its ready()
        # runs first: connect auth's create_permissions here, under auth's own dispatch_uid (auth's
        # connect is then a no-op), so permissions exist before the roles are given them.
        post_migrate.connect(
            create_permissions,
            dispatch_uid="django.contrib.auth.management.create_permissions",
        )
        post_migrate.connect(_sync_roles, dispatch_uid="accounts.sync_role_permissions")

        def session_clock(sender, request, user, **kwargs) -> None:
            if request is not None and hasattr(request, "session"):
                start_session_clock(request, user)

        user_logged_in.connect(session_clock, dispatch_uid="accounts.session_clock", weak=False)
        # 三员分立: roles one account may not hold together are refused at the data layer too.
        m2m_changed.connect(
            on_groups_changed, sender=User.groups.through, dispatch_uid="accounts.groups_changed"
        )
        pre_save.connect(on_user_saved, sender=User, dispatch_uid="accounts.user_saved")


def _sync_roles(**kwargs) -> None:
    """migrate's role sync applies the code's own declarations: not an account change to log
    (the audit's signal handlers skip it; an administrator's changes are logged)."""
    from kunqu_jiafu.audit.context import unaudited

    from .roles import sync_role_permissions

    with unaudited():
        sync_role_permissions(**kwargs)
