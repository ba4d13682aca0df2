"""Issuing, checking and revoking API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from kunqu_jiafu.accounts.roles import is_staff_member
from kunqu_jiafu.audit.services import audit_log

from .models import ApiToken

# Why a token stopped working (ApiToken.revoked_reason).
REVOKED_PASSWORD = "password_changed"
REVOKED_DEACTIVATED = "deactivated"


def token_digest(plain: str) -> str:
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


def token_lifetime(user):
    """Staff tokens live a working day; agency tokens longer (settings, docs/security.md)."""
    if user.is_superuser or user.is_staff or is_staff_member(user):
        return settings.API_TOKEN_LIFETIME_STAFF
    return settings.API_TOKEN_LIFETIME_AGENCY


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    plain: str  # shown once, never stored


def token_issue(user, *, reason: str = "") -> IssuedToken:
    """A new token for ``user``: its secret is returned here and nowhere else."""
    plain = secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        digest=token_digest(plain),
        created_at=now,
        expires_at=now + token_lifetime(user),
    )
    audit_log(
        user,
        user,
        "tokens.token.issued",
        after={"token": token.pk, "expires_at": token.expires_at.isoformat()},
        reason=reason,
    )
    return IssuedToken(token=token, plain=plain)


def token_user(plain: str):
    """The active user a live token belongs to, or None (unknown, expired, revoked, inactive)."""
    if not plain or len(plain) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(plain), revoked_at__isnull=True)
        .first()
    )
    if token is None or token.expires_at <= timezone.now() or not token.user.is_active:
        return None
    return token.user


def tokens_revoke(user_id: int, reason: str) -> int:
    """Revoke every live token of a user; how many were revoked."""
    return ApiToken.objects.filter(user_id=user_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason
    )
