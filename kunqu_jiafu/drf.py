"""Shared pieces of every area's REST API: error mapping, role permissions, scoped viewsets.

Views stay thin: a service's ``ValidationError`` becomes 400 with its field errors and
``PermissionDenied`` 403 (``service_errors``); an object outside the user's scope is a plain 404
(``ScopedViewSet``); officials read and never write (``OfficialsReadOnly``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.settings import api_settings

from kunqu_jiafu.accounts.roles import (
    AGENCY_USER,
    APPROVER,
    OFFICIAL,
    REVIEWER,
    has_role,
    is_staff_member,
)

BAD_INPUT = OpenApiResponse(description="输入有误：按字段给出错误说明（中文）。")
FORBIDDEN = OpenApiResponse(description="无权执行此操作（如统计查询角色只读、状态不允许）。")
NOT_FOUND = OpenApiResponse(description="对象不存在或不在当前用户可见范围内。")


def error_detail(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
            for field, messages in exc.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}


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
