"""Request checks that hold for every page, the admin and the API alike."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class RefuseNulInQueryString:
    """A NUL character in a query string is never a real filter or search value, and
    PostgreSQL refuses it in any text it is handed ("A string literal cannot contain NUL"):
    answer 400 before a changelist or a view passes it to the database (a 500 otherwise)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any(
            "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()
        ):
            message = _(
                "The address contains a character that is not allowed (NUL). Remove it and try again."
            )
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            raise BadRequest(message)
        return self.get_response(request)


def request_body_limit(path: str) -> int:
    """The largest request body ``path`` accepts: the longest matching prefix of
    ``REQUEST_BODY_MAX_BYTES_BY_PATH``, else ``REQUEST_BODY_MAX_BYTES``."""
    best, limit = "", settings.REQUEST_BODY_MAX_BYTES
    for prefix, bytes_ in settings.REQUEST_BODY_MAX_BYTES_BY_PATH.items():
        if path.startswith(prefix) and len(prefix) > len(best):
            best, limit = prefix, bytes_
    return limit


class CapRequestBody:
    """Refuse a body larger than its path's cap from its Content-Length, before anything
    (CSRF, a form, an upload handler) reads it: 413 with the limit, in Chinese. A body
    without a Content-Length is not read at all by Django's WSGI handler."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = request_body_limit(request.path)
        if length > limit:
            message = _(
                "The upload is %(size)s MB; at most %(limit)s MB can be sent at once. Make the "
                "file smaller (for example scan at a lower resolution) and try again."
            ) % {"size": _megabytes(length), "limit": _megabytes(limit)}
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=413)
            return render(request, "web/too_large.html", {"message": message}, status=413)
        return self.get_response(request)


def _megabytes(size: int) -> str:
    # A Content-Length of hundreds of digits is still an int; as a float it would overflow.
    size = min(size, 1 << 60)
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


def _policy(directives: dict[str, list[str]]) -> str:
    return "; ".join(" ".join([name, *values]) for name, values in directives.items())


class SecurityHeaders:
    """Headers every dynamic answer carries (static files are answered by WhiteNoise above):

    - ``Content-Security-Policy`` from ``CONTENT_SECURITY_POLICY``: scripts and styles only
      from our own files (no inline script, no ``on…=`` handler, no style attribute), no
      framing, no plugins; DRF's browsable API pages get inline styles
      (``CONTENT_SECURITY_POLICY_BROWSABLE_API``);
    - ``Permissions-Policy`` from ``PERMISSIONS_POLICY``: camera, microphone, location…
      refused unless a setting allows them;
    - ``Cache-Control: private, no-store`` and ``Pragma: no-cache``: pages and API answers
      carry personal data, which no browser or proxy cache may keep."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.csp = _policy(settings.CONTENT_SECURITY_POLICY)
        self.csp_browsable_api = _policy(
            {**settings.CONTENT_SECURITY_POLICY, **settings.CONTENT_SECURITY_POLICY_BROWSABLE_API}
        )
        self.permissions = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        # DRF's browsable API pages only (its renderer's format is "api"): inline styles of
        # DRF's own templates (settings.CONTENT_SECURITY_POLICY_BROWSABLE_API).
        renderer = getattr(response, "accepted_renderer", None)
        browsable = getattr(renderer, "format", None) == "api"
        response.headers.setdefault(
            "Content-Security-Policy", self.csp_browsable_api if browsable else self.csp
        )
        response.headers.setdefault("Permissions-Policy", self.permissions)
        if "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "private, no-store"
        response["Pragma"] = "no-cache"
        return response


class RefuseIdNumberInQueryString:
    """No address the portal answers carries a full ID number (issue 11: query strings reach
    the access logs). The search boxes post the number and get a token instead
    (people/id_search.py); a typed or old address holding one is not acted on: the API
    answers 400, a page is sent to the same address without those parameters."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from kunqu_jiafu.people.id_search import holds_id_number

        held = [
            key
            for key, values in request.GET.lists()
            if holds_id_number(key) or any(holds_id_number(v) for v in values)
        ]
        if not held:
            return self.get_response(request)
        message = _(
            "An ID number is never put in a web address. Type it in the search box, or, in the "
            "API, exchange it for a token at /api/id-search/ and filter with id_token."
        )
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=400)
        from django.contrib import messages
        from django.shortcuts import redirect

        params = request.GET.copy()
        for key in held:
            params.pop(key)
        messages.warning(request, message)
        return redirect(f"{request.path}?{params.urlencode()}" if params else request.path)
