"""Server-rendered SVG of the evolution of a person's diagnostics ("distance parcourue").

A grid: one row per life domain, one column per diagnostic (oldest on the left), each cell
coloured by the difficulty level AND showing the figure, so that colour is never the only
carrier of meaning. The page shows the same figures in a data table next to it.

No inline style (the Content-Security-Policy forbids it): SVG presentation attributes only.
Every text goes through format_html (escaped)."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from relais.diagnostics.selectors import Evolution, difficulty_short_label

MAX_COLUMNS = 8
LABEL_WIDTH = 330
CELL_WIDTH = 84
CELL_HEIGHT = 30
HEADER_HEIGHT = 36
LEGEND_HEIGHT = 48
GAP = 3
FONT = "Marianne, Arial, sans-serif"

# DSFR palette; dark text on light fills, white text on the red (contrast above 4.5:1).
LEVEL_COLOURS: dict[int | None, tuple[str, str]] = {
    None: ("#f6f6f6", "#3a3a3a"),
    0: ("#b8fec9", "#161616"),
    1: ("#fceeac", "#161616"),
    2: ("#ffbd9b", "#161616"),
    3: ("#ce0500", "#ffffff"),
}
LEGEND = (
    (0, "0 aucune"),
    (1, "1 légère"),
    (2, "2 importante"),
    (3, "3 bloquante"),
    (None, "– non abordé"),
)


def _join(parts: list[SafeString]) -> SafeString:
    """Concatenate fragments already built (and escaped) by format_html."""
    return format_html_join("", "{}", ((part,) for part in parts))


def _cell(x: int, y: int, level: int | None, tooltip: str) -> SafeString:
    fill, ink = LEVEL_COLOURS[level]
    dash = "4 3" if level is None else "none"
    text = "–" if level is None else str(level)
    return format_html(
        '<g><title>{}</title><rect x="{}" y="{}" width="{}" height="{}" rx="3" fill="{}" '
        'stroke="#929292" stroke-width="1" stroke-dasharray="{}"></rect>'
        '<text x="{}" y="{}" text-anchor="middle" dominant-baseline="central" '
        'font-size="14" font-weight="700" fill="{}">{}</text></g>',
        tooltip,
        x,
        y,
        CELL_WIDTH - GAP,
        CELL_HEIGHT - GAP,
        fill,
        dash,
        x + (CELL_WIDTH - GAP) // 2,
        y + (CELL_HEIGHT - GAP) // 2,
        ink,
        text,
    )


def evolution_chart_svg(
    evolution: Evolution, *, chart_id: str = "evolution", max_columns: int = MAX_COLUMNS
) -> SafeString:
    """The grid as an accessible SVG image (role="img", <title>, <desc>). Only the last
    `max_columns` diagnostics are drawn; the data table holds them all."""
    if evolution.is_empty:
        return SafeString("")
    start = max(0, len(evolution.dates) - max_columns)
    dates = evolution.dates[start:]
    columns = len(dates)
    width = max(LABEL_WIDTH + columns * CELL_WIDTH + GAP, 10 + len(LEGEND) * 128)
    rows_height = len(evolution.rows) * CELL_HEIGHT
    height = HEADER_HEIGHT + rows_height + LEGEND_HEIGHT

    shown = f"{columns} diagnostic{'s' if columns > 1 else ''}"
    if start:
        shown = f"les {columns} derniers des {len(evolution.dates)} diagnostics"
    span = (
        f"le {dates[0]:%d/%m/%Y}"
        if columns == 1
        else f"du {dates[0]:%d/%m/%Y} au {dates[-1]:%d/%m/%Y}"
    )
    title = "Évolution des difficultés par domaine de vie"
    desc = (
        f"Grille des niveaux de difficulté (0 aucune, 1 légère, 2 importante, 3 bloquante, "
        f"tiret : non abordé) pour les 12 domaines, {shown}, {span}. "
        "Les mêmes chiffres figurent dans le tableau qui suit."
    )

    header = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle" font-size="13" fill="#161616">{}</text>',
        (
            (
                LABEL_WIDTH + i * CELL_WIDTH + (CELL_WIDTH - GAP) // 2,
                HEADER_HEIGHT - 12,
                f"{d:%d/%m/%Y}",
            )
            for i, d in enumerate(dates)
        ),
    )
    body = []
    for r, row in enumerate(evolution.rows):
        y = HEADER_HEIGHT + r * CELL_HEIGHT
        body.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" dominant-baseline="central" '
                'font-size="13" fill="#161616">{}</text>',
                LABEL_WIDTH - 10,
                y + (CELL_HEIGHT - GAP) // 2,
                row.label,
            )
        )
        for c, level in enumerate(row.levels[start:]):
            tooltip = f"{row.label}, {dates[c]:%d/%m/%Y} : {difficulty_short_label(level)}"
            body.append(_cell(LABEL_WIDTH + c * CELL_WIDTH, y, level, tooltip))

    legend_y = HEADER_HEIGHT + rows_height + 16
    legend = []
    for i, (level, label) in enumerate(LEGEND):
        fill, _ink = LEVEL_COLOURS[level]
        x = 10 + i * 128
        legend.append(
            format_html(
                '<rect x="{}" y="{}" width="16" height="16" rx="2" fill="{}" stroke="#929292" '
                'stroke-width="1"></rect><text x="{}" y="{}" dominant-baseline="central" '
                'font-size="12" fill="#161616">{}</text>',
                x,
                legend_y,
                fill,
                x + 22,
                legend_y + 8,
                label,
            )
        )

    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="relais-chart" viewBox="0 0 {} {}" '
        'width="{}" height="{}" role="img" aria-labelledby="{}-titre {}-desc" '
        'focusable="false" font-family="{}">'
        '<title id="{}-titre">{}</title><desc id="{}-desc">{}</desc>'
        "{}{}{}</svg>",
        width,
        height,
        width,
        height,
        chart_id,
        chart_id,
        FONT,
        chart_id,
        title,
        chart_id,
        desc,
        header,
        _join(body),
        _join(legend),
    )
