"""XLSX exports of the staff admin lists (django-import-export, export only).

Each area's resources subclass UserResource and declare their columns with ``col``: headers
are the translated labels, and the resource knows who exports (to mask ID numbers).
``AdminExporter`` puts a ModelAdmin's list export in the exporter registry
(``kunqu_jiafu.exports.registry``).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from import_export import resources
from import_export.fields import Field

from kunqu_jiafu.documents.xlsx import LocalTime
from kunqu_jiafu.exports.registry import Exporter


class UserResource(resources.Resource):
    """Export-only resource that knows who exports."""

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user

    def get_user_visible_fields(self):
        return self.get_export_fields()


def col(label, attribute=None, **kwargs) -> Field:
    return Field(attribute=attribute, column_name=label, readonly=True, **kwargs)


def local_time(value) -> str:
    """A timestamp as the bureau reads it: local time, to the minute. Text on a page; in an
    XLSX export a real date-time cell (documents.xlsx.LocalTime)."""
    return LocalTime(value) if value else ""


class AdminExporter(Exporter):
    """A ModelAdmin's list export in the registry: the records of its changelist for the
    query string, the columns of its ``export_resource`` (which knows the user, to mask ID
    numbers), permission as on the list (``has_export_permission``).

    Outside a request (a background job) the changelist is rebuilt from a request made for
    the user who asked, with the query string they exported."""

    def __init__(self, model_admin):
        opts = model_admin.opts
        self.model_admin = model_admin
        self.key = getattr(model_admin, "export_key", None) or f"{opts.app_label}.{opts.model_name}"
        self.path = f"/admin/{opts.app_label}/{opts.model_name}/"

    @property
    def label(self) -> str:
        return self.model_admin.get_export_sheet_title()

    def source(self):
        return type(self.model_admin)

    def request(self, user, query: str = "") -> HttpRequest:
        """A GET of the changelist with ``query``, by ``user``: what the list's filters,
        search and permission checks read."""
        request = HttpRequest()
        request.method = "GET"
        request.path = request.path_info = self.path
        request.GET = QueryDict(query)
        request.META = {"SERVER_NAME": "localhost", "SERVER_PORT": "80", "QUERY_STRING": query}
        request.user = user
        return request

    def allowed(self, user) -> bool:
        return bool(user.is_active and user.is_staff) and self.model_admin.has_export_permission(
            self.request(user)
        )

    def queryset(self, user, query: str):
        if not self.allowed(user):
            raise PermissionDenied
        return self.model_admin.get_export_queryset(self.request(user, query))

    def table(self, user, records):
        dataset = self.model_admin.get_data_for_export(
            self.request(user), records, force_native_type=True
        )
        return list(dataset.headers or []), dataset

    def filename(self) -> str:
        request = self.request(AnonymousUser())
        return self.model_admin.get_export_filename(request, None, None)

    def fallback_filename(self) -> str:
        return f"{self.model_admin.opts.model_name}-{timezone.localdate():%Y%m%d}.xlsx"
