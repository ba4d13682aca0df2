"""Charts as SVG, drawn here from the numbers: no plotting library, no network, the same
markup in the PDF (WeasyPrint draws inline SVG with the report's Chinese font) and on the
officials' page. Every text is escaped; labels too long for their room are shortened."""

from __future__ import annotations

import math
from decimal import Decimal
from html import escape

from django.utils.translation import gettext

from .registry import Chart

PALETTE = ("#1f5fa8", "#d9822b", "#3c8d5a", "#b8473f", "#7a5ba6", "#5d7b8a")
FONT = "'KJ CJK', 'Microsoft YaHei', 'PingFang SC', sans-serif"


def _nice_ceiling(value: float) -> float:
    """A round top for the axis: 1, 2, 2.5, 5 or 10 times a power of ten, at least ``value``."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _number(value) -> str:
    if isinstance(value, Decimal | float) and value != int(value):
        return f"{value:,.2f}"
    return f"{int(value):,}"


def _short(label: str, limit: int) -> str:
    label = str(label)
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _legend(chart: Chart, x: float, y: float) -> list[str]:
    if len(chart.series) < 2:
        return []
    parts = []
    for index, series in enumerate(chart.series):
        colour = PALETTE[index % len(PALETTE)]
        left = x + index * 160
        parts.append(f'<rect x="{left}" y="{y - 9}" width="10" height="10" fill="{colour}"/>')
        parts.append(
            f'<text x="{left + 14}" y="{y}" font-size="11">{escape(_short(series.name, 12))}</text>'
        )
    return parts


def _vertical(chart: Chart, width: int, height: int) -> list[str]:
    # Many groups: labels slanted, with the room they need below the axis.
    slanted = len(chart.labels) > 6
    left, right, top, bottom = 56, 12, 30, (84 if slanted else 46)
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [float(v or 0) for s in chart.series for v in s.values]
    ceiling = _nice_ceiling(max(values, default=0))
    if ceiling < 4 and all(float(v).is_integer() for v in values):
        ceiling = 4.0  # counts: whole-number ticks
    parts = []
    for tick in range(5):
        value = ceiling * tick / 4
        y = top + plot_h - plot_h * tick / 4
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="#dde3ea" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="10" text-anchor="end" '
            f'fill="#555">{_number(value)}</text>'
        )
    groups = max(len(chart.labels), 1)
    group_w = plot_w / groups
    n = max(len(chart.series), 1)
    bar_w = min(40.0, group_w * 0.7 / n)
    label_limit = 7 if slanted else max(2, int(group_w / 11))
    for g, label in enumerate(chart.labels):
        start = left + g * group_w + (group_w - bar_w * n) / 2
        for s, series in enumerate(chart.series):
            value = float(series.values[g] or 0)
            h = plot_h * value / ceiling
            x = start + s * bar_w
            y = top + plot_h - h
            colour = PALETTE[s % len(PALETTE)]
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{escape(str(label))}：{_number(series.values[g] or 0)}'
                f"</title></rect>"
            )
            if n <= 2:
                parts.append(
                    f'<text x="{x + (bar_w - 2) / 2:.1f}" y="{y - 3:.1f}" font-size="9" '
                    f'text-anchor="middle" fill="#333">{_number(series.values[g] or 0)}</text>'
                )
        centre = left + g * group_w + group_w / 2
        if slanted:
            parts.append(
                f'<text x="{centre:.1f}" y="{top + plot_h + 12}" font-size="10" '
                f'text-anchor="end" transform="rotate(-40 {centre:.1f} {top + plot_h + 12})">'
                f"{escape(_short(label, label_limit))}</text>"
            )
        else:
            parts.append(
                f'<text x="{centre:.1f}" y="{top + plot_h + 16}" font-size="10" '
                f'text-anchor="middle">{escape(_short(label, label_limit))}</text>'
            )
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        f'stroke="#888" stroke-width="1"/>'
    )
    parts += _legend(chart, left, height - 8)
    return parts


def _horizontal(chart: Chart, width: int, height: int) -> list[str]:
    left, right, top, bottom = 120, 70, 30, 14
    rows = max(len(chart.labels), 1)
    plot_w = width - left - right
    row_h = (height - top - bottom) / rows
    values = [float(v or 0) for v in chart.series[0].values] if chart.series else []
    ceiling = _nice_ceiling(max(values, default=0))
    parts = []
    for r, label in enumerate(chart.labels):
        value = chart.series[0].values[r] or 0
        w = plot_w * float(value) / ceiling
        y = top + r * row_h
        bar_h = min(18.0, row_h * 0.7)
        parts.append(
            f'<text x="{left - 6}" y="{y + row_h / 2 + 4:.1f}" font-size="10" '
            f'text-anchor="end">{escape(_short(label, 10))}</text>'
        )
        parts.append(
            f'<rect x="{left}" y="{y + (row_h - bar_h) / 2:.1f}" width="{w:.1f}" '
            f'height="{bar_h:.1f}" fill="{PALETTE[0]}"><title>{escape(str(label))}：'
            f"{_number(value)}</title></rect>"
        )
        parts.append(
            f'<text x="{left + w + 4:.1f}" y="{y + row_h / 2 + 4:.1f}" font-size="10" '
            f'fill="#333">{_number(value)}</text>'
        )
    return parts


def render_svg(chart: Chart, width: int = 640, height: int = 260) -> str:
    """The chart as an ``<svg>`` element of ``width`` × ``height`` user units."""
    if chart.kind == "hbar":
        height = max(height, 30 + 24 * len(chart.labels) + 14)
        body = _horizontal(chart, width, height)
    else:
        height += 38 if len(chart.labels) > 6 else 0
        body = _vertical(chart, width, height)
    title = escape(chart.title + (f"（{chart.unit}）" if chart.unit else ""))
    empty = not any(float(v or 0) for s in chart.series for v in s.values)
    if empty:
        nothing = escape(gettext("No figures for this year"))
        body.append(
            f'<text x="{width / 2}" y="{height / 2}" font-size="12" text-anchor="middle" '
            f'fill="#888">{nothing}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{title}" '
        f'font-family="{FONT}" class="kj-chart">'
        f'<text x="8" y="18" font-size="13" font-weight="bold">{title}</text>'
        + "".join(body)
        + "</svg>"
    )
