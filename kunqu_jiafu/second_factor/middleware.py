"""Staff pass the second factor before any page but signing in and out (issue 11).

Sits after django-otp's OTPMiddleware, which tells from the session whether the user passed
it. A staff user or superuser who has not is sent to set up an authenticator app (no
confirmed device yet) or to enter a code, and comes back to the page asked for. The API
answers for itself: its session authentication refuses an unverified staff session with a
JSON message (kunqu_jiafu.tokens.authentication), and tokens need a code to be issued."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from .services import has_second_factor, needs_second_factor, session_verified


class RequireSecondFactor:
    def __init__(self, get_response):
        self.get_response = get_response
        self._open: tuple[str, ...] | None = None

    def open_paths(self) -> tuple[str, ...]:
        """Paths an unverified staff user may still reach: signing in and out, the second
        factor's own pages, static files, the health check and the API (see above)."""
        if self._open is None:
            self._open = (
                reverse("login"),
                reverse("logout"),
                reverse("second_factor:verify"),
                reverse("second_factor:enrol"),
                reverse("healthz"),
                "/api/",
                settings.STATIC_URL,
            )
        return self._open

    def __call__(self, request):
        user = request.user
        if (
            needs_second_factor(user)
            and not session_verified(request)
            and not request.path.startswith(self.open_paths())
        ):
            target = "second_factor:verify" if has_second_factor(user) else "second_factor:enrol"
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse(target)}?{query}")
        return self.get_response(request)
