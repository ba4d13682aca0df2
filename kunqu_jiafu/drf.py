"""Shared pieces of every area's REST API: error mapping, role permissions, scoped viewsets.

Views stay thin: a service's ``ValidationError`` becomes 400 with its field errors and
``PermissionDenied`` 403 (``service_errors``); an object outside the user's scope is a plain 404
(``ScopedViewSet``); officials read and never write (``OfficialsReadOnly``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions, viewsets
from rest_framework.exceptions import NotFound, ParseError, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from kunqu_jiafu.accounts.roles import (
    AGENCY_USER,
    APPROVER,
    OFFICIAL,
    REVIEWER,
    has_role,
    is_staff_member,
)

BAD_INPUT = OpenApiResponse(
    description=gettext_lazy("Bad input: the errors are given by field (in Chinese).")
)
FORBIDDEN = OpenApiResponse(
    description=gettext_lazy(
        "Not allowed (e.g. the official role only reads, or the state does not allow it)."
    )
)
NOT_FOUND = OpenApiResponse(
    description=gettext_lazy("No such object, or not within what the user may see.")
)


class YearFilter(django_filters.NumberFilter):
    """A year in a query string (``?registered_year=2026``): a whole number from 1 to 9999, the
    years a date can have. Anything else is a 400 under the parameter's name, never a 500 from
    the database's date arithmetic (year 0, 10000, 1e16)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)


def error_detail(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
            for field, messages in exc.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}


def exception_handler(exc, context):
    """DRF's handler, and a request too large to read (too many form fields or files, a body
    over the upload limit) answered like any other bad input: JSON under ``detail``, not
    Django's HTML 400 page."""
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        exc = ParseError(
            _(
                "The request has too many form fields or files (at most %(fields)s fields and "
                "%(files)s files). Send the data as JSON or in several requests."
            )
            % {
                "fields": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
                "files": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
            }
        )
    elif isinstance(exc, RequestDataTooBig):
        exc = ParseError(_("The request body is too large. Send smaller files or less data."))
    return drf_exception_handler(exc, context)


@contextmanager
def service_errors() -> Iterator[None]:
    """Turn a service's Django exceptions into DRF responses (400 / 403), never a 500."""
    try:
        yield
    except DjangoValidationError as exc:
        raise ValidationError(error_detail(exc)) from None
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc) or None) from None


class OfficialsReadOnly(permissions.BasePermission):
    """统计查询 officials read everything and write nothing."""

    message = gettext_lazy("Officials have read-only access.")

    def has_permission(self, request: Request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        user = request.user
        return not (
            has_role(user, OFFICIAL) and not has_role(user, AGENCY_USER, REVIEWER, APPROVER)
        )


class DocsReaders(permissions.BasePermission):
    """The API's schema and docs: open in development, signed-in users only in production
    (DEBUG off). They name every field and filter, a map an outsider need not have."""

    def has_permission(self, request: Request, view) -> bool:
        return settings.DEBUG or bool(request.user and request.user.is_authenticated)


def staff_only(message) -> type[permissions.BasePermission]:
    """A permission class letting in bureau staff and officials only, refusing with ``message``."""

    class StaffOnly(permissions.BasePermission):
        def has_permission(self, request: Request, view) -> bool:
            return is_staff_member(request.user)

    StaffOnly.message = message
    return StaffOnly


class ScopedViewSet(viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated, OfficialsReadOnly]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_object(self):
        # Outside the user's scope looks exactly like absent: a plain 404, no model name.
        try:
            return super().get_object()
        except Http404:
            raise NotFound() from None


# --- what errors look like, for the schema -------------------------------------------------------

ERROR_SCHEMA = {
    "type": "object",
    "description": gettext_lazy("Why it was refused (in Chinese), under detail."),
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "description": gettext_lazy(
        "Bad input: the keys are field names (errors of the whole under non_field_errors), the "
        "values lists of that field's errors (in Chinese); a nested object's field errors nest "
        "the same way. A body that cannot be parsed is explained under detail."
    ),
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "object"},
        ]
    },
}
ERROR_DESCRIPTIONS = {
    "400": BAD_INPUT.description,
    "403": FORBIDDEN.description,
    "404": NOT_FOUND.description,
    "415": gettext_lazy(
        "Unsupported body format: this operation uploads a file; use multipart/form-data."
    ),
}


def document_errors(result, generator, request, public):
    """drf-spectacular post-processing hook: every operation documents the errors it can give,
    each with the body it really has. Any operation can refuse (403: signed out, wrong role);
    one on an object or a page can miss it (404); a write or a filtered list can be refused
    its input (400). Error codes an operation declares without a body get the real shape."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_SCHEMA)
    components.setdefault("FieldErrors", FIELD_ERRORS_SCHEMA)
    error = {"$ref": "#/components/schemas/Error"}
    field_errors = {"$ref": "#/components/schemas/FieldErrors"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            params = {p["name"] for p in operation.get("parameters", ()) if p.get("in") == "query"}
            # An operation open to anyone (security lists {}) refuses nobody.
            wanted = set() if {} in operation.get("security", []) else {"403"}
            if "{" in path or "page" in params:
                wanted.add("404")
            if method in {"post", "put", "patch"} or params - {
                "search",
                "ordering",
                "page",
                "page_size",
            }:
                wanted.add("400")
            body = operation.get("requestBody", {}).get("content", {})
            if body and "application/json" not in body:
                wanted.add("415")  # a JSON body where the operation takes files
            # Sorted: a set's order changes with PYTHONHASHSEED, and the schema must not.
            for code in sorted(wanted - set(responses)):
                responses[code] = {"description": str(ERROR_DESCRIPTIONS[code])}
            for code, response in responses.items():
                if not code.startswith("4") or response.get("content"):
                    continue
                schema = field_errors if code in {"400", "422"} else error
                response["content"] = {"application/json": {"schema": schema}}
    return result
