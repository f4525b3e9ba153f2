"""The actor map's network diagram: a server-rendered SVG (circle layout, deterministic),
nodes coloured by type with a short type code written in them (colour is never the only
carrier), edges as wide as their volume, partnerships dashed. The same figures are in the
tables beside it (the page) and in the CSV (`exports`)."""

from __future__ import annotations

import math
from collections import defaultdict

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from relais.network.actor_map.graph import GROUP_INFO, GROUP_ORDER, SMALL_COUNT, ActorMap, Node

MAX_DIAGRAM_NODES = 80
MAX_DIAGRAM_FLOWS = 150
NODE_RADIUS = 17
LABEL_MARGIN = 190
TOP_MARGIN = 40
LEGEND_LINE = 24
FONT = "Marianne, Arial, sans-serif"
FLOW_COLOUR = "#3a3a3a"
PARTNERSHIP_COLOUR = "#0063cb"


def diagram_radius(count: int) -> float:
    """Room for every node on the circle (its circumference grows with their number)."""
    return max(150.0, count * (2 * NODE_RADIUS + 14) / (2 * math.pi))


def layout(actor_map: ActorMap) -> list[Node]:
    """Nodes with at least one tie (flow or ongoing partnership), on a circle, grouped by
    type then name: the same data always gives the same picture."""
    tied: dict[int, int] = defaultdict(int)
    for flow in actor_map.flows:
        tied[flow.source.pk] += flow.count
        tied[flow.target.pk] += flow.count
    for p in actor_map.partnerships:
        if p.is_active:
            tied[p.source.pk] += 1
            tied[p.target.pk] += 1
    candidates = [n for n in (*actor_map.organisations, *actor_map.outside) if n.pk in tied]
    if len(candidates) > MAX_DIAGRAM_NODES:
        keep = {
            n.pk for n in sorted(candidates, key=lambda n: (-tied[n.pk], n.pk))[:MAX_DIAGRAM_NODES]
        }
        candidates = [n for n in candidates if n.pk in keep]
    candidates.sort(key=lambda n: (not n.in_territory, GROUP_ORDER[n.group], n.name.lower(), n.pk))
    count = len(candidates)
    radius = diagram_radius(count)
    centre_x, centre_y = radius + LABEL_MARGIN, radius + TOP_MARGIN
    for i, node in enumerate(candidates):
        angle = -math.pi / 2 + 2 * math.pi * i / max(count, 1)
        node.x = round(centre_x + radius * math.cos(angle), 1)
        node.y = round(centre_y + radius * math.sin(angle), 1)
    return candidates


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _join(parts) -> SafeString:
    return format_html_join("", "{}", ((p,) for p in parts))


def _edge_path(a: Node, b: Node, bend: float) -> tuple[str, float, float]:
    """A quadratic curve from a to b, stopping at the nodes' rims; bent to the left of the
    a→b direction, so that the two directions of a pair never overlap. Also its midpoint."""
    dx, dy = b.x - a.x, b.y - a.y
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    nx, ny = -uy, ux
    cx, cy = (a.x + b.x) / 2 + nx * bend * length, (a.y + b.y) / 2 + ny * bend * length
    gap = NODE_RADIUS + 3

    def towards(px, py, qx, qy):
        vx, vy = qx - px, qy - py
        d = math.hypot(vx, vy) or 1.0
        return px + vx / d * gap, py + vy / d * gap

    sx, sy = towards(a.x, a.y, cx, cy)
    ex, ey = towards(b.x, b.y, cx, cy)
    mx = 0.25 * sx + 0.5 * cx + 0.25 * ex
    my = 0.25 * sy + 0.5 * cy + 0.25 * ey
    return f"M{sx:.1f},{sy:.1f} Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}", mx, my


def actor_map_svg(actor_map: ActorMap, *, chart_id: str = "cartographie") -> SafeString:
    """The network diagram as an accessible SVG image (role="img", <title>, <desc>), with
    presentation attributes only (the Content-Security-Policy forbids style attributes),
    to put in a page; `exports.actor_map_svg_file` makes a file of it."""
    nodes = actor_map.diagram_nodes
    shown = {n.pk for n in nodes}
    radius = diagram_radius(len(nodes))
    size = 2 * (radius + LABEL_MARGIN)  # width
    diagram_height = 2 * (radius + TOP_MARGIN)
    legend_items = actor_map.groups_present
    legend_rows = len(legend_items) + 3
    height = diagram_height + 10 + legend_rows * LEGEND_LINE
    drawable = [f for f in actor_map.flows if f.source.pk in shown and f.target.pk in shown]
    flows = drawable[:MAX_DIAGRAM_FLOWS]  # the biggest (flows are sorted by volume)
    partnerships = [
        p
        for p in actor_map.partnerships
        if p.is_active and p.source.pk in shown and p.target.pk in shown
    ]
    biggest = max((f.count for f in flows if not f.is_small), default=SMALL_COUNT)

    period = f"du {actor_map.start:%d/%m/%Y} au {actor_map.end:%d/%m/%Y}"
    title = f"Cartographie des acteurs — {actor_map.territory.label}"
    hidden = len(actor_map.organisations) - sum(1 for n in nodes if n.in_territory)
    desc = (
        f"Réseau de {len(nodes)} structures : "
        + (
            f"les {len(flows)} principaux des {len(actor_map.flows)} flux d'orientations "
            if len(flows) < len(actor_map.flows)
            else f"{len(flows)} flux d'orientations "
        )
        + f"{period} (flèches, épaisseur selon le volume) et {len(partnerships)} partenariats déclarés "
        "(traits en pointillés). Couleur et sigle dans chaque cercle : type de structure ; "
        "contour en pointillés : structure hors du territoire. "
        + (
            f"{hidden} structure{'s' if hidden > 1 else ''} du territoire sans lien observé "
            f"{'ne sont' if hidden > 1 else 'n’est'} pas dessinée{'s' if hidden > 1 else ''}. "
            if hidden
            else ""
        )
        + "Les mêmes données figurent dans les tableaux qui suivent."
    )

    parts = []
    for p in partnerships:
        path, mx, my = _edge_path(p.source, p.target, 0.0)
        parts.append(
            format_html(
                '<g><title>{} : {} — {}</title><path d="{}" fill="none" stroke="{}" '
                'stroke-width="2" stroke-dasharray="7 5"></path></g>',
                p.kind_label,
                p.source.name,
                p.target.name,
                path,
                PARTNERSHIP_COLOUR,
            )
        )
    for f in flows:
        width = 1.5 if f.is_small else 1.5 + 7 * math.sqrt(f.count / biggest)
        path, mx, my = _edge_path(f.source, f.target, 0.12)
        parts.append(
            format_html(
                '<g><title>{} → {} : {} orientation(s)</title><path d="{}" fill="none" '
                'stroke="{}" stroke-opacity="0.75" stroke-width="{}" '
                'marker-end="url(#{}-fleche)"></path>'
                '<text x="{}" y="{}" text-anchor="middle" dominant-baseline="central" '
                'font-size="12" font-weight="700" fill="#161616" stroke="#ffffff" '
                'stroke-width="4" paint-order="stroke">{}</text></g>',
                f.source.name,
                f.target.name,
                f.count_label,
                path,
                FLOW_COLOUR,
                f"{width:.1f}",
                chart_id,
                f"{mx:.1f}",
                f"{my:.1f}",
                f.count_label,
            )
        )
    centre = radius + LABEL_MARGIN
    for n in nodes:
        label, short, fill = GROUP_INFO[n.group]
        dash = "none" if n.in_territory else "4 3"
        right = n.x >= centre - 1
        lx = n.x + (NODE_RADIUS + 6) * (1 if right else -1)
        parts.append(
            format_html(
                "<g><title>{} — {}, {}{}</title>"
                '<circle cx="{}" cy="{}" r="{}" fill="{}" stroke="#161616" stroke-width="2" '
                'stroke-dasharray="{}"></circle>'
                '<text x="{}" y="{}" text-anchor="middle" dominant-baseline="central" '
                'font-size="9" font-weight="700" fill="#ffffff">{}</text>'
                '<text x="{}" y="{}" text-anchor="{}" dominant-baseline="central" '
                'font-size="12" fill="#161616">{}</text></g>',
                n.name,
                n.kind_label,
                n.commune_name,
                "" if n.in_territory else " (hors territoire)",
                n.x,
                n.y,
                NODE_RADIUS,
                fill,
                dash,
                n.x,
                n.y,
                short,
                f"{lx:.1f}",
                n.y,
                "start" if right else "end",
                _short(n.name),
            )
        )

    legend = []
    y = diagram_height + 10
    for i, (_key, label, short, fill) in enumerate(legend_items):
        ly = y + i * LEGEND_LINE
        legend.append(
            format_html(
                '<circle cx="20" cy="{}" r="9" fill="{}"></circle>'
                '<text x="36" y="{}" dominant-baseline="central" font-size="12" fill="#161616">{} — {}</text>',
                ly,
                fill,
                ly,
                short,
                label,
            )
        )
    ly = y + len(legend_items) * LEGEND_LINE
    legend.append(
        format_html(
            '<line x1="10" y1="{}" x2="30" y2="{}" stroke="{}" stroke-width="4" '
            'marker-end="url(#{}-fleche)"></line>'
            '<text x="36" y="{}" dominant-baseline="central" font-size="12" fill="#161616">'
            "Orientations (de l'émetteur vers le destinataire ; épaisseur selon le volume ; "
            "« &lt; 5 » : moins de 5)</text>"
            '<line x1="10" y1="{}" x2="30" y2="{}" stroke="{}" stroke-width="2" '
            'stroke-dasharray="7 5"></line>'
            '<text x="36" y="{}" dominant-baseline="central" font-size="12" fill="#161616">'
            "Partenariat déclaré (convention, financement, réseau)</text>"
            '<circle cx="20" cy="{}" r="9" fill="#ffffff" stroke="#161616" stroke-width="2" '
            'stroke-dasharray="4 3"></circle>'
            '<text x="36" y="{}" dominant-baseline="central" font-size="12" fill="#161616">'
            "Structure hors du territoire</text>",
            ly,
            ly,
            FLOW_COLOUR,
            chart_id,
            ly,
            ly + LEGEND_LINE,
            ly + LEGEND_LINE,
            PARTNERSHIP_COLOUR,
            ly + LEGEND_LINE,
            ly + 2 * LEGEND_LINE,
            ly + 2 * LEGEND_LINE,
        )
    )
    empty = (
        format_html(
            '<text x="{}" y="{}" text-anchor="middle" font-size="14" fill="#161616">'
            "Aucun lien observé ni déclaré sur cette période.</text>",
            size / 2,
            diagram_height / 2,
        )
        if not nodes
        else SafeString("")
    )

    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="relais-actor-map" viewBox="0 0 {} {}" '
        'width="{}" height="{}" role="img" aria-labelledby="{}-titre {}-desc" '
        'focusable="false" font-family="{}">'
        '<title id="{}-titre">{}</title><desc id="{}-desc">{}</desc>'
        '<defs><marker id="{}-fleche" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="12" '
        'markerHeight="12" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="{}"></path></marker></defs>'
        '<rect x="0" y="0" width="{}" height="{}" fill="#ffffff"></rect>'
        "{}{}{}</svg>",
        f"{size:.0f}",
        f"{height:.0f}",
        f"{size:.0f}",
        f"{height:.0f}",
        chart_id,
        chart_id,
        FONT,
        chart_id,
        title,
        chart_id,
        desc,
        chart_id,
        FLOW_COLOUR,
        f"{size:.0f}",
        f"{height:.0f}",
        _join(parts),
        empty,
        _join(legend),
    )
