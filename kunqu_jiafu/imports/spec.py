"""What an app tells the import pipeline about its spreadsheet: the columns and the file.

A ``Column`` is one header of the template: the widget reading its cells, whether the
template marks it required (red), and how the template and its 说明 sheet present it. An
``ImportSpec`` is the whole file: its columns in template order, the sheet, the limits, the
messages that name the app's rows ("worker", "trainee") and the 说明 sheet's rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from import_export import widgets

DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"


@dataclass(frozen=True)
class RowError:
    row: int  # as Excel shows it; the header is row 1
    field: str  # the Chinese column name
    message: str


@dataclass(frozen=True)
class Column:
    header: str  # the Chinese column name: the file format, so it stays Chinese
    key: str  # the name the row handler reads the cleaned value under
    widget: widgets.Widget
    required: bool = False  # red in the template
    empty: Any = None  # the value of an empty cell where the handler writes it as is
    # The template and its 说明 sheet.
    width: int = 12
    note: Any = ""  # lazy text: how to fill it in
    example: Any = None  # the grey example row's cell
    cell_format: str | None = None  # DATE_FORMAT, TEXT_FORMAT or None
    choices: tuple[str, ...] = ()  # a drop-down list in the template


@dataclass(frozen=True)
class ImportSpec:
    columns: tuple[Column, ...]
    sheet_title: str
    max_rows: int
    max_bytes: int
    too_many_rows: Any  # lazy text with %(max)s
    no_rows: Any  # lazy text
    example_id_number: str  # the template's example row; a row still carrying it is refused
    example_row: Any  # lazy text: the message for that row
    template_filename: str  # Chinese, for the download
    template_fallback: str  # ASCII, for the clients that read only filename="…"
    help_title: Any  # lazy text: the 说明 sheet's title line
    help_rules: Callable[[], list[str]]  # the 说明 sheet's numbered rules, translated
    help_sheet_title: str = "说明"
    help_column_width: int = 18
    read_required: tuple[str, ...] | None = None  # columns a file must have; default: required
    aliases: dict[str, str] = field(default_factory=dict)  # other spellings of the headers
    header_scan: int = 1  # the header row is looked for in this many top rows

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    @property
    def required_headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns if c.required)

    @property
    def file_required(self) -> tuple[str, ...]:
        return self.required_headers if self.read_required is None else self.read_required

    def column(self, key: str) -> Column:
        return self._by_key[key]

    def header_of(self, key: str) -> str:
        return self._by_key[key].header

    @cached_property
    def _by_key(self) -> dict[str, Column]:
        return {c.key: c for c in self.columns}

    @cached_property
    def column_order(self) -> dict[str, int]:
        return {c.header: i for i, c in enumerate(self.columns)}
