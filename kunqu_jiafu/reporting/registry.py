"""What a report section is made of, and the registry of sections.

``Figure``: one number with its unit, its definition (printed in the report and the XLSX),
the plan's target range where the plan sets one, and the admin list of the records behind
it. ``Table``: rows of typed cells under labelled columns. ``Chart``: labels and one or more
series, drawn as SVG by ``charts``. A ``Section`` answers ``compute(year)`` with them.

The year before is the same section computed for ``year - 1``: ``section_for_year`` pairs
the figures by key, so every figure shows its change without each section computing it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext

Number = int | Decimal

# Column and figure kinds: how a value is written (XLSX number formats, PDF alignment).
INTEGER, MONEY, PERCENT, TEXT = "integer", "money", "percent", "text"
# A measured quantity with decimals (hours, 10,000 yuan, yuan an hour).
DECIMAL = "decimal"


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: Number
    unit: str
    definition: str
    kind: str = INTEGER
    target_min: Number | None = None
    target_max: Number | None = None
    link: str = ""
    previous: Number | None = None

    @property
    def has_target(self) -> bool:
        return self.target_min is not None

    @property
    def reached(self) -> bool | None:
        """At least the target; for a target of none at all (0-0: agencies not inspected),
        none."""
        if self.target_min is None:
            return None
        if self.target_min == 0 and self.target_max == 0:
            return self.value == 0
        return self.value >= self.target_min

    @property
    def percent_of_target(self) -> int | None:
        if not self.target_min:
            return None
        return min(100, round(100 * self.value / self.target_min))

    @property
    def change(self) -> Number | None:
        return None if self.previous is None else self.value - self.previous


@dataclass(frozen=True)
class Column:
    label: str
    unit: str = ""
    kind: str = TEXT

    @property
    def heading(self) -> str:
        return f"{self.label}（{self.unit}）" if self.unit else self.label


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]]
    definition: str = ""
    # A last row summing the numeric columns (the first column says 合计).
    total: bool = False

    def total_row(self) -> list[Any] | None:
        if not self.total or not self.rows:
            return None
        row: list[Any] = []
        for index, column in enumerate(self.columns):
            if index == 0:
                row.append(gettext("Total"))
            elif column.kind in (INTEGER, MONEY, DECIMAL):
                row.append(sum((r[index] or 0) for r in self.rows))
            else:
                row.append("")
        return row


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Number]


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    labels: Sequence[str]
    series: Sequence[Series]
    unit: str = ""
    # "bar": vertical bars, one group per label; "hbar": one horizontal bar per label.
    kind: str = "bar"


@dataclass(frozen=True)
class SectionData:
    figures: Sequence[Figure] = ()
    tables: Sequence[Table] = ()
    charts: Sequence[Chart] = ()
    # Sentences printed under the section's title (what it covers, where the figures come from).
    notes: Sequence[str] = ()


@dataclass(frozen=True)
class Section:
    """A registered section: ``compute(year)`` answers its ``SectionData``."""

    key: str
    title: str
    order: int
    compute: Callable[[int], SectionData]
    # Who the section is for: the report lists it under this heading number.
    description: str = ""


@dataclass(frozen=True)
class ComputedSection:
    section: Section
    year: int
    data: SectionData
    extra: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.section.key

    @property
    def title(self) -> str:
        return self.section.title


class SectionRegistry:
    """The report's sections by key, in their order. Apps register in ``ready()``."""

    def __init__(self) -> None:
        self._sections: dict[str, Section] = {}

    def register(self, section: Section) -> Section:
        if section.key in self._sections and self._sections[section.key] != section:
            raise ValueError(f"report section {section.key!r} is registered twice")
        self._sections[section.key] = section
        return section

    def unregister(self, key: str) -> None:
        self._sections.pop(key, None)

    def all(self) -> list[Section]:
        return sorted(self._sections.values(), key=lambda s: (s.order, s.key))

    def get(self, key: str) -> Section:
        return self._sections[key]

    def __contains__(self, key: str) -> bool:
        return key in self._sections


sections = SectionRegistry()


def with_previous(current: Iterable[Figure], previous: Iterable[Figure]) -> list[Figure]:
    """The figures of ``current``, each carrying the value of the same key a year before."""
    before = {figure.key: figure.value for figure in previous}
    return [replace(figure, previous=before.get(figure.key)) for figure in current]


def section_for_year(section: Section, year: int) -> ComputedSection:
    """``section`` computed for ``year``, its figures paired with those of ``year - 1``."""
    data = section.compute(year)
    earlier = section.compute(year - 1)
    data = replace(data, figures=with_previous(data.figures, earlier.figures))
    return ComputedSection(section=section, year=year, data=data)


def report_for_year(year: int, keys: Sequence[str] | None = None) -> list[ComputedSection]:
    """Every registered section (or those named by ``keys``) computed for ``year``."""
    chosen = [s for s in sections.all() if keys is None or s.key in keys]
    return [section_for_year(section, year) for section in chosen]


def table_from_sheet(key: str, title: str, headers: Sequence[str], rows, **extra) -> Table:
    """A ``Table`` of a ledger's ``(title, headers, rows)`` sheet, each column's kind read off
    its values: amounts (Decimal) are money, counts whole numbers, yes/no 是/否, the rest text."""
    rows = [list(row) for row in rows]
    kinds = []
    for index in range(len(headers)):
        values = [row[index] for row in rows if index < len(row) and row[index] is not None]
        first = values[0] if values else None
        if isinstance(first, bool) or first is None or isinstance(first, str):
            kinds.append(TEXT)
        elif isinstance(first, Decimal):
            kinds.append(MONEY)
        elif isinstance(first, int):
            kinds.append(INTEGER)
        else:
            kinds.append(TEXT)
    for row in rows:
        for index, value in enumerate(row):
            if isinstance(value, bool):
                row[index] = gettext("Yes") if value else gettext("No")
            elif kinds[index] == TEXT and not isinstance(value, str):
                row[index] = "" if value is None else str(value)
    columns = [Column(str(header), "", kind) for header, kind in zip(headers, kinds, strict=True)]
    return Table(key, title, columns, rows, **extra)
