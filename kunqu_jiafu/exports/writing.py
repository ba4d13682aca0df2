"""An exporter's rows as one typed XLSX sheet (``kunqu_jiafu.documents.xlsx``), written in
chunks of ``CHUNK`` records so a big list neither loads at once nor goes without progress."""

from __future__ import annotations

from collections.abc import Callable

from openpyxl import Workbook

from kunqu_jiafu.documents.xlsx import (
    finish_table,
    sheet_title,
    workbook_bytes,
    write_header,
    write_rows,
)

from .registry import Exporter

CHUNK = 500


def export_xlsx(
    exporter: Exporter,
    user,
    queryset,
    *,
    total: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """The ``total`` first records of ``queryset`` (all of them by default), one row each,
    under the exporter's headers, in a sheet named after the list. ``progress(written,
    total)`` is told after each chunk."""
    if total is None:
        total = queryset.count()
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(exporter.label)
    headers, _rows = exporter.table(user, queryset.none())
    widths = write_header(sheet, headers)
    next_row = 2
    for start in range(0, total, CHUNK):
        _headers, rows = exporter.table(user, queryset[start : min(start + CHUNK, total)])
        next_row = write_rows(sheet, rows, start_row=next_row, widths=widths)
        if progress is not None:
            progress(min(next_row - 2, total), total)
    finish_table(sheet, widths)
    return workbook_bytes(book)
