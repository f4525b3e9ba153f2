"""The employment basin's map: the communes of the organisation's employers as points on
a server-rendered SVG (no tile server, no script), sized by their open positions. The same
figures are in the table beside it (accessibility: the map is an image with a text
alternative, the table is the reference).

Projection: equirectangular around the points' mean latitude, fitted to the box of the
points — exact enough for one département or region, and arithmetic only."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
HEIGHT = 480
MARGIN = 36
MAX_RADIUS = 22
MIN_RADIUS = 4
LABELLED = 8  # the communes with most open positions get their name written


@dataclass(frozen=True, slots=True)
class BasinPoint:
    code: str
    name: str
    latitude: float
    longitude: float
    positions: int
    employers: int


def _project(points: list[BasinPoint]):
    lat0 = sum(p.latitude for p in points) / len(points)
    k = math.cos(math.radians(lat0))
    xs = [p.longitude * k for p in points]
    ys = [p.latitude for p in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 0.02)
    scale = min(WIDTH, HEIGHT) - 2 * MARGIN
    x0 = (min(xs) + max(xs)) / 2
    y0 = (min(ys) + max(ys)) / 2

    def at(point: BasinPoint) -> tuple[float, float]:
        x = WIDTH / 2 + (point.longitude * k - x0) / span * scale
        y = HEIGHT / 2 - (point.latitude - y0) / span * scale
        return round(x, 1), round(y, 1)

    return at


def basin_map_svg(points: list[BasinPoint], *, chart_id: str = "bassin-carte") -> SafeString:
    """The SVG map; an empty string when no commune has coordinates."""
    points = [p for p in points if p.latitude is not None and p.longitude is not None]
    if not points:
        return mark_safe("")
    at = _project(points)
    most = max((p.positions for p in points), default=0) or 1
    # Largest first, so that small points stay visible on top of large ones.
    ordered = sorted(points, key=lambda p: (-p.positions, -p.employers, p.code))
    circles = []
    for point in ordered:
        x, y = at(point)
        if point.positions:
            radius = round(
                MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * math.sqrt(point.positions / most), 1
            )
            css = "fill:#000091;fill-opacity:.55;stroke:#000091"
        else:
            radius = MIN_RADIUS - 1
            css = "fill:#fff;stroke:#6a6af4;stroke-width:1.5"
        circles.append(
            (
                x,
                y,
                radius,
                css,
                f"{point.name} : {point.positions} poste(s) ouvert(s), "
                f"{point.employers} employeur(s)",
            )
        )
    labels = [
        (at(p)[0], at(p)[1] - 6 - MAX_RADIUS * math.sqrt(p.positions / most), p.name)
        for p in ordered[:LABELLED]
        if p.positions
    ]
    total_positions = sum(p.positions for p in points)
    total_employers = sum(p.employers for p in points)
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" class="relais-basin-map" '
        'data-testid="basin-map" style="max-width:100%;height:auto;background:#f6f6f6">'
        '<title id="{id}-title">Carte des employeurs et des postes ouverts par commune</title>'
        '<desc id="{id}-desc">{n} commune(s), {p} poste(s) ouvert(s), {e} employeur(s) ; '
        "les cercles pleins sont proportionnels aux postes ouverts, les cercles vides "
        "marquent les communes d'employeurs sans poste ouvert. Mêmes chiffres dans le "
        "tableau « Employeurs et postes ouverts par commune ».</desc>"
        "{circles}{labels}</svg>",
        w=WIDTH,
        h=HEIGHT,
        id=chart_id,
        n=len(points),
        p=total_positions,
        e=total_employers,
        circles=format_html_join(
            "",
            '<circle cx="{}" cy="{}" r="{}" style="{}"><title>{}</title></circle>',
            circles,
        ),
        labels=format_html_join(
            "",
            '<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="#161616">{}</text>',
            ((x, round(max(y, 10), 1), name) for x, y, name in labels),
        ),
    )
