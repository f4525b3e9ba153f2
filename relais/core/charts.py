"""Server-rendered SVG charts: horizontal bars and lines over time.

Why SVG from the server: no JavaScript build, no CDN, nothing for the Content-Security-Policy
to allow (presentation attributes only, no inline style), the same picture in the page and in
a WeasyPrint PDF. Each chart is an accessible image (role="img", <title>, <desc>) and is always
shown with its figures in a data table (`relais/core/templates/core/chart.html` renders both
from one `Chart`): colour is never the only carrier of meaning, each bar carries its figure.

A value of `None` is a figure that may not be shown (a small count suppressed, a missing or
secret value): no bar is drawn and its label (`missing_label`) is written instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

FONT = "Marianne, Arial, sans-serif"
# DSFR illustrative colours, each with a contrast ratio above 3:1 against white.
PALETTE = ("#000091", "#c9191e", "#18753c", "#b34000", "#6e445a", "#0063cb", "#66673d")
INK = "#161616"
GRID = "#dddddd"


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class Chart:
    """What a chart shows: categories (bars) or periods (lines), one or more series."""

    title: str
    categories: Sequence[str]
    series: Sequence[Series]
    unit: str = ""
    kind: str = "bar"  # "bar" or "line"
    description: str = ""
    missing_label: str = "< 5"
    source: str = ""
    category_label: str = ""  # heading of the data table's first column

    def svg(self) -> SafeString:
        if self.kind == "line":
            return line_chart(self)
        return bar_chart(self)

    def rows(self) -> list[tuple[str, list[str]]]:
        """The data table: one row per category, one cell per series, figures as text."""
        return [
            (category, [self.format(s.values[i]) for s in self.series])
            for i, category in enumerate(self.categories)
        ]

    def format(self, value: float | None) -> str:
        if value is None:
            return self.missing_label
        text = (
            f"{value:,.1f}"
            if isinstance(value, float) and not value.is_integer()
            else (f"{int(value):,}")
        )
        text = text.replace(",", "\u202f").replace(".", ",")
        return f"{text}\u00a0{self.unit}" if self.unit else text


def _join(parts: Sequence[SafeString]) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


def _maximum(chart: Chart) -> float:
    values = [v for s in chart.series for v in s.values if v is not None]
    top = max(values, default=0)
    return top if top > 0 else 1


def _frame(chart: Chart, width: int, height: int, body: Sequence[SafeString]) -> SafeString:
    desc = chart.description or (
        f"{chart.title}. Les mêmes chiffres figurent dans le tableau qui suit."
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {} {}" width="100%" '
        'font-family="{}" class="relais-chart"><title>{}</title><desc>{}</desc>{}</svg>',
        width,
        height,
        FONT,
        chart.title,
        desc,
        _join(body),
    )


def _legend(chart: Chart, y: int) -> list[SafeString]:
    if len(chart.series) < 2:
        return []
    parts = []
    for i, series in enumerate(chart.series):
        x = 10 + i * 190
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="14" height="14" fill="{}"></rect>'
                '<text x="{}" y="{}" font-size="13" fill="{}">{}</text>',
                x,
                y,
                PALETTE[i % len(PALETTE)],
                x + 20,
                y + 12,
                INK,
                series.name[:26],
            )
        )
    return parts


def bar_chart(chart: Chart, *, label_width: int = 260, bar_area: int = 420) -> SafeString:
    """Horizontal bars, one group per category, one bar per series, the figure at its end."""
    bar_height = 18
    group_gap = 12
    n = max(len(chart.series), 1)
    group_height = n * bar_height + group_gap
    legend_height = 26 if n > 1 else 0
    height = legend_height + len(chart.categories) * group_height + 10
    width = label_width + bar_area + 90
    top = _maximum(chart)
    body = _legend(chart, 4)
    for i, category in enumerate(chart.categories):
        y0 = legend_height + i * group_height
        body.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" dominant-baseline="central" '
                'font-size="13" fill="{}">{}</text>',
                label_width - 8,
                y0 + n * bar_height / 2,
                INK,
                category[:40],
            )
        )
        for j, series in enumerate(chart.series):
            value = series.values[i]
            y = y0 + j * bar_height
            length = 0 if value is None else round(bar_area * max(value, 0) / top)
            body.append(
                format_html(
                    '<g><title>{} — {} : {}</title><rect x="{}" y="{}" width="{}" height="{}" '
                    'fill="{}"></rect><text x="{}" y="{}" dominant-baseline="central" '
                    'font-size="12" fill="{}">{}</text></g>',
                    category,
                    series.name,
                    chart.format(value),
                    label_width,
                    y + 2,
                    length,
                    bar_height - 4,
                    PALETTE[j % len(PALETTE)],
                    label_width + length + 6,
                    y + bar_height / 2,
                    INK,
                    chart.format(value),
                )
            )
    return _frame(chart, width, height, body)


def line_chart(chart: Chart, *, width: int = 720, plot_height: int = 220) -> SafeString:
    """Lines over periods (the categories, oldest first); a missing value breaks the line."""
    left, right, top_margin = 70, 20, 16
    legend_height = 26 if len(chart.series) > 1 else 0
    height = legend_height + top_margin + plot_height + 40
    plot_top = legend_height + top_margin
    count = max(len(chart.categories), 1)
    step = (width - left - right) / max(count - 1, 1)
    top = _maximum(chart)
    body = _legend(chart, 4)
    for k in range(5):  # horizontal grid with its scale
        value = top * k / 4
        y = plot_top + plot_height - plot_height * k / 4
        body.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}"></line>'
                '<text x="{}" y="{}" text-anchor="end" font-size="11" fill="{}">{}</text>',
                left,
                width - right,
                y,
                y,
                GRID,
                left - 6,
                y + 4,
                INK,
                chart.format(round(value, 1)),
            )
        )
    for i, category in enumerate(chart.categories):
        body.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="{}">{}</text>',
                left + i * step,
                plot_top + plot_height + 18,
                INK,
                category[:12],
            )
        )
    for j, series in enumerate(chart.series):
        colour = PALETTE[j % len(PALETTE)]
        points: list[tuple[float, float, float]] = []
        segments: list[list[tuple[float, float]]] = [[]]
        for i, value in enumerate(series.values):
            if value is None:
                segments.append([])
                continue
            x = left + i * step
            y = plot_top + plot_height - plot_height * max(value, 0) / top
            segments[-1].append((x, y))
            points.append((x, y, value))
        for segment in segments:
            if len(segment) > 1:
                body.append(
                    format_html(
                        '<polyline fill="none" stroke="{}" stroke-width="2.5" points="{}">'
                        "</polyline>",
                        colour,
                        " ".join(f"{x:.1f},{y:.1f}" for x, y in segment),
                    )
                )
        for x, y, value in points:
            body.append(
                format_html(
                    '<g><title>{} : {}</title><circle cx="{}" cy="{}" r="4" fill="{}">'
                    "</circle></g>",
                    series.name,
                    chart.format(value),
                    f"{x:.1f}",
                    f"{y:.1f}",
                    colour,
                )
            )
    return _frame(chart, width, height, body)
