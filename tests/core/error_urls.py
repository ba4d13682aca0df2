"""The project's URLconf plus views that fail on purpose, for the error page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from kunqu_jiafu.urls import handler404  # noqa: F401
from kunqu_jiafu.urls import urlpatterns as project_urlpatterns


def _raise_error(request):
    raise RuntimeError("a bug in a view")


def _raise_denied(request):
    raise PermissionDenied("not yours")


def _raise_suspicious(request):
    raise SuspiciousOperation("tampered")


urlpatterns = [
    path("__test__/500/", _raise_error),
    path("__test__/403/", _raise_denied),
    path("__test__/400/", _raise_suspicious),
    *project_urlpatterns,
]
