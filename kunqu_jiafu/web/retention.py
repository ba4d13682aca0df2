"""Retention of personal data: each app that keeps data for a limited time offers
``purge_expired(now=..., dry_run=...)`` on its AppConfig, returning ``[(label, count)]``.
The core knows no app: it asks every installed one."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.utils import timezone


def purge_expired(
    *, now: dt.datetime | None = None, dry_run: bool = False
) -> list[tuple[str, int]]:
    now = now or timezone.now()
    done: list[tuple[str, int]] = []
    for config in apps.get_app_configs():
        purge = getattr(config, "purge_expired", None)
        if purge is not None:
            done.extend(purge(now=now, dry_run=dry_run))
    return done
