"""Sign-in policy for every request (issue 11): session idle timeout and absolute lifetime, the
forced change of an initial or admin-set password, and the 429 of a refused sign-in attempt.

Order in MIDDLEWARE: after AuthenticationMiddleware and MessageMiddleware (they read
``request.user`` and leave a message); ``SessionLimits`` before ``ForcePasswordChange`` (an
expired session is signed out before anything else is asked of it)."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.settings import api_settings

SIGNED_IN_AT = "signin_at"
LAST_SEEN = "signin_last_seen"
# The last-seen time is written at most this often: not a session write on every request.
TOUCH_EVERY = 60


def _now() -> float:
    return time.time()


def idle_timeout(user) -> int:
    """Seconds a session of ``user`` may stay unused: short for anyone who works in the admin."""
    if user.is_staff or user.is_superuser:
        return settings.SESSION_IDLE_TIMEOUT_STAFF
    return settings.SESSION_IDLE_TIMEOUT_AGENCY


def start_session_clock(request, user=None) -> None:
    """At sign-in (the ``user_logged_in`` signal): the absolute lifetime starts now."""
    now = _now()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now
    request.session.set_expiry(idle_timeout(user or request.user))


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _login_url(request) -> str:
    name = "admin:login" if request.path.startswith("/admin/") else "login"
    return reverse(name)


def _exempt(request, *names: str) -> bool:
    if request.path.startswith(settings.STATIC_URL):
        return True
    return request.path in {reverse(name) for name in names}


class SessionLimits:
    """Signs out a session unused for longer than its idle timeout, or older than the absolute
    lifetime, whatever its use: pages go to the sign-in page with a message, the API answers
    401 JSON. A live session's cookie and stored expiry follow the idle timeout."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            session = request.session
            now = _now()
            started = session.get(SIGNED_IN_AT)
            last = session.get(LAST_SEEN)
            if started is None or last is None:  # a session from before this rule
                start_session_clock(request, user)
            else:
                idle = idle_timeout(user)
                if now - started > settings.SESSION_ABSOLUTE_LIFETIME:
                    return self._expired(
                        request,
                        _(
                            "You have been signed in for more than %(hours)s hours; please sign "
                            "in again."
                        )
                        % {"hours": settings.SESSION_ABSOLUTE_LIFETIME // 3600},
                    )
                if now - last > idle:
                    return self._expired(
                        request,
                        _(
                            "You were signed out after %(minutes)s minutes without activity; "
                            "please sign in again."
                        )
                        % {"minutes": idle // 60},
                    )
                if now - last >= TOUCH_EVERY:
                    session[LAST_SEEN] = now
                    session.set_expiry(idle)
        return self.get_response(request)

    def _expired(self, request, message: str):
        logout(request)
        if _is_api(request):
            return JsonResponse({"detail": message, "code": "session_expired"}, status=401)
        if _exempt(request, "login", "logout", "admin:login", "admin:logout"):
            return self.get_response(request)
        messages.warning(request, message)
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        return HttpResponseRedirect(_login_url(request) + (f"?{query}" if query else ""))


def _api_user(request):
    """The user an API request signs in as with a credential other than the session (a token),
    found the way the API's own authentication classes will find it."""
    if not request.META.get("HTTP_AUTHORIZATION"):
        return None
    drf_request = Request(request)
    for authentication_class in api_settings.DEFAULT_AUTHENTICATION_CLASSES:
        if issubclass(authentication_class, SessionAuthentication):
            continue
        try:
            found = authentication_class().authenticate(drf_request)
        except APIException:
            return None  # the view answers a bad credential itself
        if found is not None:
            return found[0]
    return None


class ForcePasswordChange:
    """While an account's password was set by someone else (``must_change_password``), every
    page leads to the password-change page and the API refuses with 403, until its owner has
    chosen a password."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user if request.user.is_authenticated else None
        if user is None and _is_api(request):
            user = _api_user(request)
        if _must_change(user):
            if _is_api(request):
                return _api_refusal()
            if not _exempt(request, "password_change", "logout", "admin:logout"):
                messages.warning(
                    request,
                    _(
                        "Your password was set by the bureau. Choose a new password of your own "
                        "before you go on."
                    ),
                )
                return HttpResponseRedirect(reverse("password_change"))
        response = self.get_response(request)
        # The token endpoint checked a password without a session: no token for such an account.
        if _is_api(request) and _must_change(getattr(request, "password_checked_user", None)):
            return _api_refusal()
        return response


def _must_change(user) -> bool:
    return user is not None and getattr(user, "must_change_password", False)


def _api_refusal() -> JsonResponse:
    return JsonResponse(
        {
            "detail": _(
                "This account's password was set by the bureau and must be changed first: sign "
                "in to the portal and choose a new password at %(url)s."
            )
            % {"url": reverse("password_change")},
            "code": "password_change_required",
        },
        status=403,
    )


class SignInRefusedStatus:
    """A sign-in attempt refused by the throttle (kunqu_jiafu/accounts/throttle.py) shows the
    form's error as usual; this makes the answer 429 with Retry-After."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        seconds = getattr(request, "sign_in_refused_for", None)
        if seconds is not None and response.status_code in (200, 400):
            response.status_code = 429
            response["Retry-After"] = str(seconds)
        return response
