"""Who reaches the agency portal, and the small helpers its pages share."""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils import timezone

from kunqu_jiafu.accounts.roles import is_agency_user, is_staff_member

from .. import rules, selectors
from ..models import Worker

# --- access -----------------------------------------------------------------------------


def _is_back_office(user) -> bool:
    return not is_agency_user(user) and (is_staff_member(user) or user.is_superuser)


def agency_member(view):
    """Signed in with an agency: pass it to the view. Staff go to the admin, others apply."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if _is_back_office(request.user):
            return redirect("admin:index")
        agency = selectors.agency_of_user(request.user)
        if agency is None:
            return redirect("portal:apply")
        return view(request, agency, *args, **kwargs)

    return wrapper


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
