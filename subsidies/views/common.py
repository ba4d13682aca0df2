"""What the portal's claim pages share."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from agencies.models import Agency

from .. import selectors
from ..models import Claim


def claim_of(request, agency: Agency, pk: int) -> Claim:
    # Scoped by the selector: another agency's claim is simply not found (404).
    return get_object_or_404(selectors.claims_for_user(request.user).filter(agency=agency), pk=pk)


def error_messages(exc: Exception) -> list[str]:
    return list(getattr(exc, "messages", None) or [str(exc)])
