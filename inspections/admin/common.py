"""Pieces the inspections admin pages share: officials read only, service errors as text."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext


def message_of(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or gettext("You may not do this.")


class OfficialsReadOnlyMixin:
    """Officials (统计查询) hold only view permissions: a POSTed list action is refused with
    403 (Django would otherwise answer "no action selected" and let it look possible)."""

    def changelist_view(self, request, extra_context=None):
        if (
            request.method == "POST"
            and request.POST.get("action")
            and not self.has_change_permission(request)
        ):
            raise PermissionDenied
        return super().changelist_view(request, extra_context)
