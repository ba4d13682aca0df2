"""XLSX exports of the staff admin lists (django-import-export, export only).

Each area's resources subclass UserResource and declare their columns with ``col``: headers
are the translated labels, and the resource knows who exports (to mask ID numbers).
"""

from __future__ import annotations

from django.utils import timezone
from import_export import resources
from import_export.fields import Field


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
    """A timestamp as the bureau reads it in a spreadsheet: local time, to the minute."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""
