"""Deploy check: a superuser is for break-glass set-up, not for daily work in production."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.db import DatabaseError
from django.utils.translation import gettext as _


@register(Tags.security, deploy=True)
def active_superusers(app_configs, databases=None, **kwargs) -> list[Warning]:
    # Needs the database: run as ``manage.py check --deploy --database default``.
    if settings.DEBUG or not databases:
        return []
    from .models import User

    try:
        names = list(
            User.objects.filter(is_superuser=True, is_active=True)
            .order_by("username")
            .values_list("username", flat=True)
        )
    except DatabaseError:
        return []  # not migrated yet
    if not names:
        return []
    return [
        Warning(
            _(
                "%(count)s active superuser account(s) in production: %(names)s. A superuser "
                "is for break-glass set-up only (三员分立); daily work is done by the system, "
                "security and audit administrators."
            )
            % {"count": len(names), "names": ", ".join(names)},
            hint=_(
                "After set-up, switch the account off (untick “active”) and switch it on again "
                "only for an emergency, with a record of why."
            ),
            id="accounts.W001",
        )
    ]
