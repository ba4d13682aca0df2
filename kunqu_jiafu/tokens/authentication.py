"""How the API knows who asks: an expiring token, or a session that passed the second factor."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .services import token_user


class ExpiringTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Token <token>``, checked against the stored digests."""

    keyword = "Token"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("The Authorization header must read 'Token ' followed by the token alone.")
            )
        try:
            plain = parts[1].decode("ascii")
        except UnicodeDecodeError:
            plain = ""
        user = token_user(plain)
        if user is None:
            raise exceptions.AuthenticationFailed(
                _(
                    "The token is not valid: it is unknown, expired or revoked (a password "
                    "change or a deactivated account revokes it). Get a new one at "
                    "/api/auth/token/."
                )
            )
        return user, None

    def authenticate_header(self, request):
        return self.keyword


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    """Django's session, for staff only once the session passed the second factor."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        from kunqu_jiafu.second_factor.services import needs_second_factor, session_verified

        user = result[0]
        if needs_second_factor(user) and not session_verified(request._request):
            raise exceptions.PermissionDenied(
                _(
                    "Staff accounts must enter the code of their authenticator app before using "
                    "the API with a browser session: open /accounts/second-factor/ and enter it, "
                    "or use a token from /api/auth/token/ (with otp_token)."
                )
            )
        return result
