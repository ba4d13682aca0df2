"""Small helpers every voucher service module shares (and nothing else)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone


def require(result: tuple[bool, str]) -> None:
    """Raise the permission function's reason when it refuses."""
    allowed, reason = result
    if not allowed:
        raise PermissionDenied(reason)


def today() -> dt.date:
    """The local date; tests move it with ``monkeypatch.setattr(common, "today", …)``."""
    return timezone.localdate()


def field_errors(exc: ValidationError, field: str) -> ValidationError:
    """The error with its fields, or all its messages on ``field`` when it names none."""
    return ValidationError(
        exc.message_dict if hasattr(exc, "error_dict") else {field: exc.messages}
    )
