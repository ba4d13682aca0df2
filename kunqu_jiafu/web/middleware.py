"""Request checks that hold for every page, the admin and the API alike."""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.http import JsonResponse
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
