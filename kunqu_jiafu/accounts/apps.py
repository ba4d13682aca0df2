from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kunqu_jiafu.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from django.contrib.auth.management import create_permissions
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from .middleware import start_session_clock

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


def _sync_roles(**kwargs) -> None:
    """migrate's role sync applies the code's own declarations: not an account change to log
    (the audit's signal handlers skip it; an administrator's changes are logged)."""
    from kunqu_jiafu.audit.context import unaudited

    from .roles import sync_role_permissions

    with unaudited():
        sync_role_permissions(**kwargs)
