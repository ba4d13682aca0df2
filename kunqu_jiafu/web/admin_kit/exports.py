"""XLSX exports of the staff admin lists (django-import-export, export only).

Each area's resources subclass UserResource and declare their columns with ``col``: headers
are the translated labels, and the resource knows who exports (to mask ID numbers).
"""

from __future__ import annotations

from import_export import resources
from import_export.fields import Field

from kunqu_jiafu.documents.xlsx import LocalTime


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
