"""The statistical report's two files, made from the same computed sections: the PDF (cover,
contents, one chapter per section with its figures, tables and SVG charts, the bureau's header
and page numbers; kunqu_jiafu.documents.pdf) and the XLSX (one sheet per section with typed
numbers and units, frozen header rows, and a sheet of the figures' definitions)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from kunqu_jiafu.documents.pdf import ISSUING_AUTHORITY, render_pdf
from kunqu_jiafu.documents.xlsx import (
    MONEY_FORMAT,
    neutralise,
    plain_text,
    set_cell,
    sheet_title,
    workbook_bytes,
)
from kunqu_jiafu.reporting.charts import render_svg
from kunqu_jiafu.reporting.registry import DECIMAL, MONEY, PERCENT, ComputedSection, Figure

from .models import ReportRun

HEADER_FILL = PatternFill("solid", fgColor="E8EEF7")


def figure_text(value, kind: str) -> str:
    """A figure as printed: thousands separated, money to the fen, rates with %."""
    if value is None:
        return "—"
    if kind in (MONEY, DECIMAL):
        return f"{Decimal(value):,.2f}"
    if kind == PERCENT:
        return f"{Decimal(value):.1f}%"
    if isinstance(value, Decimal) and value != value.to_integral_value():
        return f"{value:,.2f}"
    return f"{int(value):,}"


def change_text(figure: Figure) -> str:
    change = figure.change
    if change is None:
        return "—"
    sign = "+" if change > 0 else ""
    return sign + figure_text(change, figure.kind) if change else "0"


def target_text(figure: Figure) -> str:
    if figure.target_min is None:
        return ""
    low, high = figure.target_min, figure.target_max
    if high is None or high == low:
        return figure_text(low, figure.kind)
    return f"{figure_text(low, figure.kind)}-{figure_text(high, figure.kind)}"


def _chapters(computed: Sequence[ComputedSection]) -> list[dict]:
    chapters = []
    for number, section in enumerate(computed, start=1):
        chapters.append(
            {
                "number": number,
                "anchor": f"s-{section.key}",
                "title": section.title,
                "notes": section.data.notes,
                "figures": [
                    {
                        "figure": f,
                        "value": figure_text(f.value, f.kind),
                        "previous": figure_text(f.previous, f.kind),
                        "change": change_text(f),
                        "target": target_text(f),
                        "reached": f.reached,
                        "percent": f.percent_of_target,
                    }
                    for f in section.data.figures
                ],
                "tables": [
                    {
                        "table": t,
                        "rows": [
                            [
                                figure_text(v, c.kind) if c.kind != "text" else v
                                for v, c in zip(row, t.columns, strict=False)
                            ]
                            for row in t.rows
                        ],
                        "total": [
                            figure_text(v, c.kind) if c.kind != "text" and i else v
                            for i, (v, c) in enumerate(
                                zip(t.total_row() or [], t.columns, strict=False)
                            )
                        ],
                    }
                    for t in section.data.tables
                ],
                "charts": [mark_safe(render_svg(chart)) for chart in section.data.charts],
            }
        )
    return chapters


def report_pdf(run: ReportRun, computed: Sequence[ComputedSection]) -> bytes:
    return render_pdf(
        "reports/pdf/report.html",
        {
            "run": run,
            "title": _("Kundulun District family services statistical report"),
            "period": run.period_label,
            "made_at": timezone.localtime(),
            "issuer": ISSUING_AUTHORITY,
            "chapters": _chapters(computed),
        },
    )


# --- XLSX --------------------------------------------------------------------------------


def _heading(sheet, row: int, values: Sequence[str]) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column, value=plain_text(value))
        neutralise(cell)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL


def _typed(sheet, row: int, column: int, value, kind: str) -> None:
    cell = set_cell(sheet, row, column, value)
    if kind in (MONEY, DECIMAL) and value is not None:
        cell.number_format = MONEY_FORMAT
    elif kind == PERCENT and value is not None:
        cell.number_format = "0.0"


def _figure_block(sheet, section: ComputedSection, run: ReportRun) -> int:
    title = sheet.cell(row=1, column=1, value=plain_text(f"{section.title}（{run.period_label}）"))
    title.font = Font(bold=True, size=13)
    _heading(
        sheet,
        2,
        [
            pgettext("report", "Figure"),
            pgettext("report", "Unit"),
            pgettext("report", "This year"),
            pgettext("report", "Year before"),
            pgettext("report", "Change"),
            pgettext("report", "Target"),
            pgettext("report", "Of target (%)"),
        ],
    )
    sheet.freeze_panes = "A3"
    row = 3
    for figure in section.data.figures:
        set_cell(sheet, row, 1, str(figure.label))
        set_cell(sheet, row, 2, str(figure.unit))
        _typed(sheet, row, 3, figure.value, figure.kind)
        _typed(sheet, row, 4, figure.previous, figure.kind)
        _typed(sheet, row, 5, figure.change, figure.kind)
        set_cell(sheet, row, 6, target_text(figure))
        set_cell(sheet, row, 7, figure.percent_of_target)
        row += 1
    return row + 1


def _table_block(sheet, table, row: int) -> int:
    cell = sheet.cell(row=row, column=1, value=plain_text(table.title))
    cell.font = Font(bold=True)
    _heading(sheet, row + 1, [column.heading for column in table.columns])
    row += 2
    for values in table.rows:
        for column, (value, spec) in enumerate(zip(values, table.columns, strict=False), start=1):
            _typed(sheet, row, column, value, spec.kind)
        row += 1
    total = table.total_row()
    if total:
        for column, (value, spec) in enumerate(zip(total, table.columns, strict=False), start=1):
            _typed(sheet, row, column, value, spec.kind)
            sheet.cell(row=row, column=column).font = Font(bold=True)
        row += 1
    if table.definition:
        set_cell(sheet, row, 1, str(table.definition))
        row += 1
    return row + 1


def _definitions_sheet(book: Workbook, computed: Sequence[ComputedSection]) -> None:
    sheet = book.create_sheet(sheet_title(pgettext("report", "Definitions")))
    _heading(
        sheet,
        1,
        [
            pgettext("report", "Section"),
            pgettext("report", "Figure"),
            pgettext("report", "Unit"),
            pgettext("report", "Definition"),
            pgettext("report", "Key"),
        ],
    )
    sheet.freeze_panes = "A2"
    row = 2
    for section in computed:
        for figure in section.data.figures:
            for column, value in enumerate(
                (
                    str(section.title),
                    str(figure.label),
                    str(figure.unit),
                    str(figure.definition),
                    figure.key,
                ),
                start=1,
            ):
                set_cell(sheet, row, column, value)
            row += 1
        for table in section.data.tables:
            if table.definition:
                for column, value in enumerate(
                    (str(section.title), str(table.title), "", str(table.definition), table.key),
                    start=1,
                ):
                    set_cell(sheet, row, column, value)
                row += 1
    for column, width in enumerate((22, 34, 8, 90, 28), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def report_xlsx(run: ReportRun, computed: Sequence[ComputedSection]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for number, section in enumerate(computed, start=1):
        sheet = book.create_sheet(sheet_title(f"{number} {section.title}"))
        row = _figure_block(sheet, section, run)
        for table in section.data.tables:
            row = _table_block(sheet, table, row)
        sheet.column_dimensions["A"].width = 40
        for letter in "BCDEFG":
            sheet.column_dimensions[letter].width = 14
    _definitions_sheet(book, computed)
    book.properties.title = f"{ISSUING_AUTHORITY} {run.period_label}"
    book.properties.creator = ISSUING_AUTHORITY
    return workbook_bytes(book)
