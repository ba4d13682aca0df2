"""The exporter registry: every XLSX export (工作台账) under a dotted key.

An ``Exporter`` says who may run it, which records a user's query string selects, and how a
chunk of records becomes rows; ``writing`` and ``jobs`` run any exporter the same way, at
once or in the background. The admin's list exports register themselves when the admin
site registers their ModelAdmin (``ExportXlsxMixin``: key ``<app_label>.<model_name>``);
another export registers its own ``Exporter`` subclass in its AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet


class Exporter:
    """One XLSX export. ``key`` names it in the registry and in export jobs."""

    key: str = ""
    label: str = ""  # the list's name: the sheet's and the file's

    def allowed(self, user) -> bool:
        """May ``user`` run this export (asked again when a background job runs)?"""
        raise NotImplementedError

    def queryset(self, user, query: str) -> QuerySet:
        """The records the query string (the list's filters and search) selects for
        ``user``, in the list's order; raises PermissionDenied when ``user`` may not."""
        raise NotImplementedError

    def table(self, user, records: QuerySet) -> tuple[Sequence[str], Iterable[Sequence[Any]]]:
        """(the headers, one row per record) for a chunk of ``queryset``'s records."""
        raise NotImplementedError

    def filename(self) -> str:
        """The file's (Chinese) name."""
        raise NotImplementedError

    def source(self) -> Any:
        """What it exports from (the ModelAdmin's class): the same source may register twice."""
        return type(self)

    def fallback_filename(self) -> str:
        """Its ASCII name, for clients that read only that."""
        return f"{self.key.replace('.', '-')}.xlsx"


_REGISTRY: dict[str, Exporter] = {}


def register(exporter: Exporter) -> Exporter:
    """Register ``exporter``; an exporter of the same class under its key is kept (a second
    instance of the same admin), another class under a taken key is a configuration error."""
    if not exporter.key:
        raise ImproperlyConfigured(f"{type(exporter).__name__} has no key")
    known = _REGISTRY.get(exporter.key)
    if known is None:
        _REGISTRY[exporter.key] = exporter
        return exporter
    if type(known) is not type(exporter) or known.source() != exporter.source():
        raise ImproperlyConfigured(f"Two exporters under the key {exporter.key!r}")
    return known


def exporter(key: str) -> Exporter | None:
    return _REGISTRY.get(key)


def registered() -> dict[str, Exporter]:
    return dict(_REGISTRY)
