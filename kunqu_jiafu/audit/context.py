"""Who and where, for every audit entry written while a request is served.

``AuditRequestContext`` (``kunqu_jiafu.audit.middleware``, a middleware placed near the top of ``MIDDLEWARE``) keeps the
current request in a context variable; ``audit_log`` reads the client address from it (the
address ``kunqu_jiafu.ratelimit.client_address`` vouches for, behind the trusted proxies), so
every call made during a request records it without passing it on. Signal handlers (logins,
account changes) read the actor from it too. Outside a request (tasks, commands) there is no
address and no actor.

The middleware (``kunqu_jiafu.audit.middleware``) also records downloads: every response that carries a file
(``Content-Disposition``) and was not already recorded by its view (``mark_recorded``) is
logged as ``audit.file.downloaded`` with the path and the file name, never the query string
(a search term there may be an ID number)."""

from __future__ import annotations

import contextvars

_request: contextvars.ContextVar = contextvars.ContextVar("audit_request", default=None)


def current_request():
    return _request.get()


def current_address() -> str:
    request = _request.get()
    if request is None:
        return ""
    cached = getattr(request, "_audit_client_address", None)
    if cached is None:
        from kunqu_jiafu.ratelimit import client_address

        cached = client_address(request)
        request._audit_client_address = cached
    return cached


def current_actor():
    """The signed-in user of the current request, or None."""
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None


def mark_recorded(response):
    """The view logged this download itself (with its object): the middleware skips it."""
    response.audit_recorded = True
    return response


_unaudited: contextvars.ContextVar = contextvars.ContextVar("audit_unaudited", default=False)


class unaudited:  # noqa: N801 - used like a function: ``with unaudited():``
    """Account and permission changes made inside are not logged by the signal handlers:
    only for the role sync that ``migrate`` runs from the code's own declarations."""

    def __enter__(self):
        self._token = _unaudited.set(True)

    def __exit__(self, *exc):
        _unaudited.reset(self._token)


def is_unaudited() -> bool:
    return _unaudited.get()
