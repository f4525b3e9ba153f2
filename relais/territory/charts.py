"""Charts of the territory pages and the ABS PDF: lines and bars come from
`relais.core.charts` (shared by the modules); the map of communes as points is drawn here.
The page always shows the same figures in a table beside the chart. No inline style (CSP):
presentation attributes only; every text escaped by format_html."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from relais.core.charts import Chart, Series
from relais.core.disclosure import SECONDARY_LABEL, SUPPRESSED_LABEL, Figure

if TYPE_CHECKING:
    from relais.territory.gaps import GapAnalysis

FONT = "Marianne, Arial, sans-serif"


def line_chart(
    *,
    title: str,
    years: list[int],
    series: list[tuple[str, list[float | None]]],
    chart_id: str = "",
) -> SafeString:
    """An indicator over the years, one line per area (`relais.core.charts`); a missing or
    secret figure breaks the line."""
    if not years or not any(v is not None for _l, vs in series for v in vs):
        return SafeString("")
    return Chart(
        title=title,
        categories=[str(y) for y in years],
        series=[Series(label, values) for label, values in series],
        kind="line",
        missing_label="nd",
    ).svg()


def bar_chart(
    *,
    title: str,
    bars: list[tuple[str, float | None]],
    chart_id: str = "",
    missing_label: str = "< 5",
) -> SafeString:
    """Horizontal bars (`relais.core.charts`); `None` is a figure that may not be shown."""
    if not bars:
        return SafeString("")
    return Chart(
        title=title,
        categories=[label for label, _v in bars],
        series=[Series(title, [v for _l, v in bars])],
        missing_label=missing_label,
    ).svg()


def figures_bar_chart(
    *, title: str, bars: list[tuple[str, Figure]], chart_id: str = ""
) -> SafeString:
    """Bars of suppressed counts (`relais.core.disclosure.Figure`): a hidden one draws no
    bar and is labelled « < 5 » or « s » like the table beside it (the shared chart has one
    label for every missing figure: « < 5 ou s » when both kinds are hidden)."""
    hidden = {f.secondary for _l, f in bars if f.suppressed}
    missing = {
        frozenset({False}): SUPPRESSED_LABEL,
        frozenset({True}): SECONDARY_LABEL,
    }.get(frozenset(hidden), f"{SUPPRESSED_LABEL} ou {SECONDARY_LABEL}")
    return bar_chart(
        title=title,
        bars=[(label, f.shown) for label, f in bars],
        chart_id=chart_id,
        missing_label=missing,
    )


def gap_chart(gaps: GapAnalysis, *, chart_id: str = "offre-domaines") -> SafeString:
    """The services within reach of the needs, per life domain (`gaps.GapAnalysis`): the
    needs page's chart, drawn the same in the ABS page and PDF."""
    return bar_chart(
        title=f"Services à {gaps.radius_km} km, par domaine de vie",
        bars=[(g.label, g.services_in_reach) for g in gaps.domains],
        chart_id=chart_id,
    )


def gap_map(gaps: GapAnalysis, *, chart_id: str = "carte-ecarts") -> SafeString:
    """The communes where persons in difficulty live (`gaps.GapAnalysis.points`), a red
    cross where a need has no service in reach."""
    return points_map(
        title="Communes où vivent des personnes en difficulté",
        points=gaps.points,
        chart_id=chart_id,
    )


def points_map(
    *, title: str, points: list[tuple[str, float, float, str]], chart_id: str
) -> SafeString:
    """Communes as points (no tiles): (label, latitude, longitude, kind) where kind is
    « gap » (need without service in reach, a red cross) or « ok » (a blue dot)."""
    located = [p for p in points if p[1] is not None and p[2] is not None]
    if not located:
        return SafeString("")
    lats = [p[1] for p in located]
    lons = [p[2] for p in located]
    w, h, pad = 560, 420, 20
    span_lat = (max(lats) - min(lats)) or 0.01
    span_lon = (max(lons) - min(lons)) or 0.01
    scale = min((w - 2 * pad) / span_lon, (h - 2 * pad) / span_lat)
    shapes = []
    for label, lat, lon, kind in located:
        px = pad + (lon - min(lons)) * scale
        py = h - pad - (lat - min(lats)) * scale
        if kind == "gap":
            shapes.append(
                format_html(
                    "<g><title>{} : besoin sans service à portée</title>"
                    '<path d="M{} {} l8 8 M{} {} l-8 8" stroke="#ce0500" stroke-width="3"/></g>',
                    label,
                    f"{px - 4:.1f}",
                    f"{py - 4:.1f}",
                    f"{px + 4:.1f}",
                    f"{py - 4:.1f}",
                )
            )
        else:
            shapes.append(
                format_html(
                    '<g><title>{}</title><circle cx="{}" cy="{}" r="4" fill="#000091"/></g>',
                    label,
                    f"{px:.1f}",
                    f"{py:.1f}",
                )
            )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" role="img" '
        'aria-labelledby="{}-t" font-family="{}" class="relais-territory-map">'
        '<title id="{}-t">{} (croix rouge : besoin sans service à portée ; point bleu : '
        "service à portée ; la liste des communes figure dans le tableau)</title>{}</svg>",
        w,
        h,
        chart_id,
        FONT,
        chart_id,
        title,
        format_html_join("", "{}", ((p,) for p in shapes)),
    )
