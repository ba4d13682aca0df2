"""What the agencies services share: the permission answer turned into an error, and who
reviews."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.accounts.roles import REVIEWER


def _require(result: tuple[bool, str]) -> None:
    allowed, reason = result
    if not allowed:
        raise PermissionDenied(reason)


def _reviewers():
    return User.objects.filter(groups__name=REVIEWER, is_active=True)
