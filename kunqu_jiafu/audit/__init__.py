"""The one call every state change uses: ``audit.log(actor, obj, action, ...)``."""

from __future__ import annotations

from typing import Any


def log(
    actor,
    obj,
    action: str,
    *,
    before: Any = None,
    after: Any = None,
    reason: str = "",
):
    from .services import audit_log

    return audit_log(actor, obj, action, before=before, after=after, reason=reason)
