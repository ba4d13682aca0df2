"""The agency portal's door: a view decorator that hands the view the user's agency.

The core knows no agency model; the agencies app registers how a user's agency is found
(``register_agency_of_user`` in its ``AppConfig.ready``), as documents' owners do."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from kunqu_jiafu.accounts.roles import is_administrator, is_agency_user, is_staff_member

_agency_of_user: Callable | None = None


def register_agency_of_user(finder: Callable) -> None:
    """Tell the portal how to find a user's agency (a function user → agency or None)."""
    global _agency_of_user
    _agency_of_user = finder


def is_back_office(user) -> bool:
    return not is_agency_user(user) and (
        is_staff_member(user) or is_administrator(user) or user.is_superuser
    )


def agency_member(view):
    """Signed in with an agency: pass it to the view. Staff go to the admin, others apply."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if is_back_office(request.user):
            return redirect("admin:index")
        if _agency_of_user is None:
            raise RuntimeError("no app registered how to find a user's agency")
        agency = _agency_of_user(request.user)
        if agency is None:
            return redirect("portal:apply")
        return view(request, agency, *args, **kwargs)

    return wrapper
