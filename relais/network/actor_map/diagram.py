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
NAME_LIMIT = 30  # characters of a name written beside its node
# Estimated width of a character, as a share of the font size: a little more than the
# average letter of Marianne or Arial, so that an estimated box holds the real text.
CHAR_WIDTH = 0.62
# Room beside the circle for the longest name written (left of the leftmost node, right of
# the rightmost), so that no name is clipped by the edge of the picture.
LABEL_MARGIN = round(NODE_RADIUS + 6 + NAME_LIMIT * 12 * CHAR_WIDTH + 10)
TOP_MARGIN = 40
LEGEND_LINE = 24
FONT = "Marianne, Arial, sans-serif"
FLOW_COLOUR = "#3a3a3a"
PARTNERSHIP_COLOUR = "#0063cb"


def diagram_radius(count: int) -> float:
    """Room for every node on the circle (its circumference grows with their number)."""
    return max(190.0, count * (2 * NODE_RADIUS + 14) / (2 * math.pi))


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


def _short(text: str, limit: int = NAME_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _join(parts) -> SafeString:
    return format_html_join("", "{}", ((p,) for p in parts))


Point = tuple[float, float]


def _edge_curve(a: Node, b: Node, bend: float) -> tuple[Point, Point, Point]:
    """A quadratic curve from a to b, stopping at the nodes' rims; bent to the left of the
    a→b direction, so that the two directions of a pair never overlap: its start, control
    point and end."""
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

    return towards(a.x, a.y, cx, cy), (cx, cy), towards(b.x, b.y, cx, cy)


def _point_on(curve: tuple[Point, Point, Point], t: float) -> Point:
    (sx, sy), (cx, cy), (ex, ey) = curve
    return (
        (1 - t) ** 2 * sx + 2 * (1 - t) * t * cx + t**2 * ex,
        (1 - t) ** 2 * sy + 2 * (1 - t) * t * cy + t**2 * ey,
    )


def _edge_path(a: Node, b: Node, bend: float) -> tuple[str, tuple[Point, Point, Point]]:
    curve = _edge_curve(a, b, bend)
    (sx, sy), (cx, cy), (ex, ey) = curve
    return f"M{sx:.1f},{sy:.1f} Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}", curve


Box = tuple[float, float, float, float]  # left, top, right, bottom
NAME_SIZE = 12


def _name_place(
    node: Node, centre_x: float, centre_y: float, radius: float, count: int
) -> tuple[float, float, str]:
    """Where a node's name is written: beside it, away from the circle (right of the nodes
    on the right, left of those on the left), or above the node at the very top and below
    the one at the very bottom, where a name beside the node would run into its neighbours
    (a quarter of the space between two nodes from the vertical)."""
    if abs(node.x - centre_x) < radius * math.sin(math.pi / max(count, 2)) / 2:
        above = node.y < centre_y
        return node.x, node.y + (NODE_RADIUS + 10) * (-1 if above else 1), "middle"
    right = node.x >= centre_x
    return node.x + (NODE_RADIUS + 6) * (1 if right else -1), node.y, "start" if right else "end"


def _text_box(x: float, y: float, text: str, anchor: str, size: float) -> Box:
    width = len(text) * size * CHAR_WIDTH
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return (left, y - size / 2, left + width, y + size / 2)


# Where a flow's figure may sit along its curve, the middle first.
LABEL_POSITIONS = (0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78)
FLOW_LABEL_SIZE = 12


def _label_box(x: float, y: float, text: str, size: float = FLOW_LABEL_SIZE) -> Box:
    half = len(text) * size * CHAR_WIDTH / 2 + 3  # with the white halo
    return (x - half, y - size / 2 - 2, x + half, y + size / 2 + 2)


def _overlaps(box: Box, others: list[Box]) -> bool:
    left, top, right, bottom = box
    return any(left < o[2] and o[0] < right and top < o[3] and o[1] < bottom for o in others)


def _place_label(curve, text: str, taken: list[Box]) -> Point | None:
    """The first place along the curve where the figure covers no other figure nor node;
    None when there is none (the figure is then in the flow's tooltip and the table)."""
    for t in LABEL_POSITIONS:
        x, y = _point_on(curve, t)
        box = _label_box(x, y, text)
        if not _overlaps(box, taken):
            taken.append(box)
            return x, y
    return None


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
    legend_rows = len(legend_items) + 4
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
    # The nodes, then each figure placed, are obstacles for the next figures.
    taken: list[Box] = [
        (n.x - NODE_RADIUS, n.y - NODE_RADIUS, n.x + NODE_RADIUS, n.y + NODE_RADIUS) for n in nodes
    ]
    centre_x, centre_y = radius + LABEL_MARGIN, radius + TOP_MARGIN
    names = {}
    for n in nodes:
        x, y, anchor = _name_place(n, centre_x, centre_y, radius, len(nodes))
        names[n.pk] = (x, y, anchor, _short(n.name))
        taken.append(_text_box(x, y, _short(n.name), anchor, NAME_SIZE))
    for p in partnerships:
        path, _curve = _edge_path(p.source, p.target, 0.0)
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
        path, curve = _edge_path(f.source, f.target, 0.12)
        place = _place_label(curve, f.count_label, taken)
        figure = (
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" dominant-baseline="central" '
                'font-size="{}" font-weight="700" fill="#161616" stroke="#ffffff" '
                'stroke-width="4" paint-order="stroke">{}</text>',
                f"{place[0]:.1f}",
                f"{place[1]:.1f}",
                FLOW_LABEL_SIZE,
                f.count_label,
            )
            if place
            else SafeString("")
        )
        parts.append(
            format_html(
                '<g><title>{} → {} : {} orientation(s)</title><path d="{}" fill="none" '
                'stroke="{}" stroke-opacity="0.75" stroke-width="{}" '
                'marker-end="url(#{}-fleche)"></path>{}</g>',
                f.source.name,
                f.target.name,
                f.count_label,
                path,
                FLOW_COLOUR,
                f"{width:.1f}",
                chart_id,
                figure,
            )
        )
    for n in nodes:
        label, short, fill = GROUP_INFO[n.group]
        dash = "none" if n.in_territory else "4 3"
        lx, ly, anchor, name = names[n.pk]
        parts.append(
            format_html(
                "<g><title>{} — {}, {}{}</title>"
                '<circle cx="{}" cy="{}" r="{}" fill="{}" stroke="#161616" stroke-width="2" '
                'stroke-dasharray="{}"></circle>'
                '<text x="{}" y="{}" text-anchor="middle" dominant-baseline="central" '
                'font-size="9" font-weight="700" fill="#ffffff">{}</text>'
                '<text x="{}" y="{}" text-anchor="{}" dominant-baseline="central" '
                'font-size="{}" fill="#161616" stroke="#ffffff" stroke-width="3" '
                'paint-order="stroke">{}</text></g>',
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
                f"{ly:.1f}",
                anchor,
                NAME_SIZE,
                name,
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
    line = '<text x="36" y="{}" dominant-baseline="central" font-size="12" fill="#161616">{}</text>'
    legend.append(
        format_html(
            '<line x1="10" y1="{}" x2="30" y2="{}" stroke="{}" stroke-width="4" '
            'marker-end="url(#{}-fleche)"></line>',
            ly,
            ly,
            FLOW_COLOUR,
            chart_id,
        )
    )
    legend.append(format_html(line, ly, "Orientations, de l'émetteur vers le destinataire"))
    legend.append(
        format_html(
            line, ly + LEGEND_LINE * 0.7, "(épaisseur selon le volume ; « < 5 » : moins de 5)"
        )
    )
    ly += LEGEND_LINE * 1.7
    legend.append(
        format_html(
            '<line x1="10" y1="{}" x2="30" y2="{}" stroke="{}" stroke-width="2" '
            'stroke-dasharray="7 5"></line>',
            ly,
            ly,
            PARTNERSHIP_COLOUR,
        )
    )
    legend.append(format_html(line, ly, "Partenariat déclaré (convention, financement, réseau)"))
    ly += LEGEND_LINE
    legend.append(
        format_html(
            '<circle cx="20" cy="{}" r="9" fill="#ffffff" stroke="#161616" stroke-width="2" '
            'stroke-dasharray="4 3"></circle>',
            ly,
        )
    )
    legend.append(format_html(line, ly, "Structure hors du territoire"))
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
