"""POST /api/auth/token/: a username, a password and, for staff, the authenticator's code."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import PermissionDenied, Throttled
from rest_framework.response import Response
from rest_framework.views import APIView

from kunqu_jiafu.second_factor import services as second_factor

from .services import token_issue


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=gettext_lazy("Username"), max_length=150)
    password = serializers.CharField(
        label=gettext_lazy("Password"), max_length=4096, style={"input_type": "password"}
    )
    otp_token = serializers.CharField(
        label=gettext_lazy("One-time code"),
        help_text=gettext_lazy(
            "Staff accounts: the 6-digit code their authenticator app shows now (each code "
            "works once). Agency accounts leave it out."
        ),
        required=False,
        allow_blank=True,
        max_length=16,
    )

    def validate(self, attrs):
        request = self.context["request"]
        user = authenticate(request, username=attrs["username"], password=attrs["password"])
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                _("The username or password is not right."), code="authorization"
            )
        if second_factor.needs_second_factor(user):
            code = "".join((attrs.get("otp_token") or "").split())
            if not second_factor.has_second_factor(user):
                raise serializers.ValidationError(
                    {
                        "otp_token": _(
                            "This staff account has no authenticator app yet: sign in once in "
                            "the browser to set it up, then ask for a token with its code."
                        )
                    }
                )
            if not code:
                raise serializers.ValidationError(
                    {
                        "otp_token": _(
                            "Staff accounts must send otp_token: the 6-digit code their "
                            "authenticator app shows now."
                        )
                    }
                )
            limit = second_factor.attempts_take(request, user)
            if limit is not None:
                raise Throttled(
                    wait=limit.minutes * 60, detail=second_factor.too_many_message(limit)
                )
            try:
                checked = second_factor.code_check(user, code, allow_recovery=False)
            except second_factor.CodeWait as wait:
                raise Throttled(wait=wait.seconds, detail=wait.message) from None
            if checked is None:
                second_factor.code_refused(request, user)
                raise serializers.ValidationError(
                    {
                        "otp_token": _(
                            "The verification code is not right or was already used: send the "
                            "code the app shows now (each code works once)."
                        )
                    }
                )
        attrs["user"] = user
        return attrs


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text=gettext_lazy("Shown only in this answer: the server keeps only its digest.")
    )
    expires_at = serializers.DateTimeField()


class TokenView(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []  # a token is asked for with credentials, not a session
    serializer_class = TokenRequestSerializer

    @extend_schema(
        summary=gettext_lazy("Get an API token"),
        description=gettext_lazy(
            "Exchange a username and password (staff: and the current code of their "
            "authenticator app, otp_token) for a token; then send `Authorization: Token "
            "<token>` in the request header. The token expires at expires_at and is revoked "
            "when the password changes or the account is deactivated."
        ),
        tags=[gettext_lazy("Accounts and sign-in")],
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(
                description=gettext_lazy(
                    "Wrong username or password, or a staff account's code missing or wrong."
                )
            ),
        },
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        if getattr(user, "must_change_password", False):
            # A password set by the bureau is changed in the portal before any token is made
            # (the sign-in middleware answers the same refusal for every other API call).
            raise PermissionDenied(
                _(
                    "This account's password was set by the bureau and must be changed first: "
                    "sign in to the portal and choose a new password at %(url)s."
                )
                % {"url": reverse("password_change")},
                code="password_change_required",
            )
        issued = token_issue(user)
        # A sign-in through the API is a sign-in like the others (audit, last_login).
        user_logged_in.send(sender=type(user), request=request, user=user)
        return Response(
            {"token": issued.plain, "expires_at": issued.token.expires_at},
            status=status.HTTP_200_OK,
        )
