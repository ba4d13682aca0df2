"""How the OpenAPI schema describes the two ways in (drf-spectacular extensions)."""

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object


class ExpiringTokenScheme(OpenApiAuthenticationExtension):
    target_class = "kunqu_jiafu.tokens.authentication.ExpiringTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        definition = build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=self.target.keyword
        )
        definition["description"] = _(
            "Get a token with POST /api/auth/token/ (staff also send otp_token, the code of "
            "their authenticator app) and send 'Authorization: Token <token>'. A token expires "
            "(staff: %(staff_hours)s hours, agencies: %(agency_days)s days) and is revoked when "
            "the password changes or the account is deactivated."
        ) % {
            "staff_hours": _hours(settings.API_TOKEN_LIFETIME_STAFF),
            "agency_days": settings.API_TOKEN_LIFETIME_AGENCY.days,
        }
        return definition


class VerifiedSessionScheme(OpenApiAuthenticationExtension):
    target_class = "kunqu_jiafu.tokens.authentication.VerifiedSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": _(
                "The browser session; a staff session must have passed the second factor."
            ),
        }


def _hours(delta) -> int:
    return int(delta.total_seconds() // 3600)
