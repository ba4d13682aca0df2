"""The second factor's two pages: set up the authenticator app, and enter a code."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import services


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _code(request) -> str:
    return (request.POST.get("otp_token") or "").strip()


@never_cache
@login_required
def enrol(request):
    """First sign-in of a staff account: scan the QR code, confirm with a code, note the
    recovery codes (shown on this answer only)."""
    user = request.user
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if not services.needs_second_factor(user) or services.session_verified(request):
        return redirect(_next(request))
    if services.has_second_factor(user):
        # Set up already: a new app only after the security administrator's reset.
        return redirect(_to("second_factor:verify", request))
    device = services.enrolment_device(user)
    error, status = "", 200
    if request.method == "POST":
        code = _code(request)
        status = 400
        limit = services.attempts_take(request, user)
        if limit is not None:
            error, status = services.too_many_message(limit), 429
        elif not services.TOTP_CODE.fullmatch(code):
            error = _(
                "Verification code: enter the 6 digits the authenticator app shows now, "
                "without spaces."
            )
        else:
            try:
                codes = services.enrolment_confirm(request, device, code)
            except services.CodeWait as wait:
                return _enrol_page(request, device, wait.message, 429)
            if codes is not None:
                return render(
                    request,
                    "web/second_factor/recovery_codes.html",
                    {"codes": codes, "next": _next(request)},
                )
            services.code_refused(request, user)
            error = _(
                "Verification code: the code is not right. Check that the phone's clock is "
                "correct and enter the code the app shows now."
            )
    return _enrol_page(request, device, error, status)


def _enrol_page(request, device, error: str, status: int):
    context = {
        "qr_svg": services.qr_svg(device),
        "secret": services.secret_text(device),
        "error": error,
        "next": _next(request),
    }
    return render(request, "web/second_factor/enrol.html", context, status=status)


@never_cache
@login_required
def verify(request):
    """Enter the app's current code (or a recovery code) to open the back office."""
    user = request.user
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if not services.needs_second_factor(user) or services.session_verified(request):
        return redirect(_next(request))
    if not services.has_second_factor(user):
        return redirect(_to("second_factor:enrol", request))
    error, status = "", 200
    if request.method == "POST":
        code = _code(request)
        status = 400
        limit = services.attempts_take(request, user)
        if limit is not None:
            error, status = services.too_many_message(limit), 429
        elif not code:
            error = _("Verification code: enter the 6 digits the authenticator app shows now.")
        else:
            try:
                checked = services.code_check(user, code)
            except services.CodeWait as wait:
                checked, error, status = None, wait.message, 429
            if checked is not None:
                services.session_verify(request, checked)
                if checked.recovery_codes_left is not None:
                    messages.warning(
                        request,
                        _(
                            "You signed in with a recovery code; %(left)s are left. If the "
                            "phone is lost, ask the security administrator to reset the "
                            "second factor."
                        )
                        % {"left": checked.recovery_codes_left},
                    )
                return redirect(_next(request))
            if not error:
                services.code_refused(request, user)
                error = _(
                    "Verification code: the code is not right or was already used. Enter the code "
                    "the app shows now (each code works once), or an unused recovery code."
                )
    return render(
        request,
        "web/second_factor/verify.html",
        {"error": error, "next": _next(request)},
        status=status,
    )


def _to(name: str, request) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next(request)})}"
