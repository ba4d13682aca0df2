"""Who reaches the agency portal, and the small helpers its pages share."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone

from kunqu_jiafu.web.portal import agency_member, is_back_office

from .. import rules, selectors
from ..models import Worker

__all__ = ["agency_member", "is_back_office"]

# --- access -----------------------------------------------------------------------------


def _refuse(request, result: tuple[bool, str], fallback: str):
    """Redirect with the permission's reason when it says no; None when allowed."""
    allowed, reason = result
    if allowed:
        return None
    messages.error(request, reason)
    return redirect(fallback)


def _display(value) -> str:
    """A read-only value as the portal writes it elsewhere (ISO dates, 、-separated lists)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "、".join(map(str, value))
    return str(value)


def _with_status(workers, policy) -> list[tuple[Worker, rules.WorkerStatus]]:
    today = timezone.localdate()
    return [(w, selectors.worker_status(w, today=today, policy=policy)) for w in workers]
