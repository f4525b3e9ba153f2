"""Actor map (cartographie des acteurs, A3 / 1.5–1.6): the organisations of a territory and
their ties — partnerships declared by their managers, and the referral flows observed
between them over a period (volume, acceptance rate, median answer delay).

Aggregated only: no person appears, so any member may read it, and nothing is journaled.
Counts from 1 to 4 are shown as « < 5 » (statistical confidentiality), and the rate and
delay of such a flow are not shown.

Speed (1M referrals nationwide, a département < 1 s): the flows are aggregated in SQL on
the two flow indexes (sender or receiver, then sent_at, then every column read), so the
database reads the period's index entries and never the table; referrals are never loaded
as objects. The median answer delay is PostgreSQL's percentile_cont in the same query;
on SQLite the answered delays (in seconds, computed by SQLite) are read as plain numbers
and the median taken in Python, flow by flow.

Diagram: a server-rendered SVG (circle layout, deterministic), nodes coloured by type with
a short type code written in them (colour is never the only carrier), edges as wide as
their volume, partnerships dashed. The same figures are in the tables beside it."""

from __future__ import annotations

import csv
import io
import math
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Q,
)
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from relais.accounts.models import Organisation, OrganisationKind
from relais.core.communes import get_commune
from relais.core.errors import DomainError
from relais.network.coordination.models import Partnership, PartnershipKind
from relais.network.directory.geo import (
    CommuneLookupError,
    departement_of,
    is_departement_code,
    resolve_commune,
)
from relais.network.referrals.models import Referral, ReferralStatus

SMALL_COUNT = 5
MAX_PERIOD_DAYS = 5 * 366
MAX_DIAGRAM_NODES = 80
MAX_DIAGRAM_FLOWS = 150
ACCEPTED_STATUSES = (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS, ReferralStatus.DONE)


def count_label(count: int) -> str:
    """« < 5 » for 1 to 4 (statistical confidentiality), the figure otherwise."""
    if 0 < count < SMALL_COUNT:
        return f"< {SMALL_COUNT}"
    return f"{count:,}".replace(",", "\u202f")


def delay_label(delay: timedelta | None) -> str:
    if delay is None:
        return "—"
    hours = delay.total_seconds() / 3600
    if hours < 24:
        return f"{max(hours, 0):.0f} h"
    days = hours / 24
    return f"{days:.1f}".replace(".", ",") + " jours"


def rate_label(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.0f}\u202f%"


# --- Territory ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Territory:
    departement: str = ""
    communes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        if self.departement:
            return f"département {self.departement}"
        names = []
        for code in self.communes[:4]:
            commune = get_commune(code)
            names.append(commune.name.title() if commune else code)
        more = len(self.communes) - len(names)
        return ", ".join(names) + (f" et {more} autre{'s' if more > 1 else ''}" if more else "")

    @property
    def slug(self) -> str:
        return self.departement or "-".join(self.communes[:3]) + (
            "-etc" if len(self.communes) > 3 else ""
        )

    def organisations_q(self) -> Q:
        if self.departement:
            return Q(commune_code__startswith=self.departement)
        return Q(commune_code__in=self.communes)

    def as_text(self) -> str:
        return self.departement or ", ".join(self.communes)


MAX_COMMUNES = 200


def parse_territory(text: str) -> Territory:
    """« 69 » (a département) or communes separated by commas, semicolons or line breaks
    (names or INSEE codes: « Lyon, Villeurbanne » or « 69123 69266 »)."""
    text = (text or "").strip()
    if not text:
        raise DomainError("Indiquez un département ou des communes.", field="territoire")
    if is_departement_code(text):
        return Territory(departement=text.upper())
    parts = [p.strip() for p in re.split(r"[,;\n]+", text) if p.strip()]
    if len(parts) == 1 and re.fullmatch(r"[0-9AaBb\s]+", parts[0]):
        parts = parts[0].split()  # codes separated by spaces
    codes: list[str] = []
    for part in parts:
        try:
            commune = resolve_commune(part)
        except CommuneLookupError as error:
            raise DomainError(error.message, field="territoire") from error
        if commune.code not in codes:
            codes.append(commune.code)
    if len(codes) > MAX_COMMUNES:
        raise DomainError(
            f"{MAX_COMMUNES} communes au plus : choisissez plutôt un département.",
            field="territoire",
        )
    return Territory(communes=tuple(codes))


def default_territory(organisation: Organisation | None) -> Territory:
    code = departement_of(organisation.commune_code) if organisation else ""
    return Territory(departement=code) if is_departement_code(code) else Territory()


# --- The map -------------------------------------------------------------------------------------

# Colour groups of organisation kinds: (key, label, short code, fill). Dark fills: white text
# on them has a contrast above 4.5:1.
GROUPS = (
    ("social", "CCAS / CIAS", "CCAS", "#000091"),
    ("plie", "PLIE", "PLIE", "#6e445a"),
    ("mission_locale", "Mission locale", "ML", "#18753c"),
    ("siae", "Structure d'insertion (SIAE)", "SIAE", "#b34000"),
    ("hebergement", "Hébergement (CHRS, CADA)", "HEB", "#ce0500"),
    ("departement", "Conseil départemental", "CD", "#0063cb"),
    ("emploi", "France Travail, Cap emploi", "FT", "#66673d"),
    ("formation", "Organisme de formation", "OF", "#7d4e00"),
    ("autre", "Association, autre", "ASSO", "#3a3a3a"),
)
GROUP_OF_KIND = {
    OrganisationKind.CCAS: "social",
    OrganisationKind.PLIE: "plie",
    OrganisationKind.MISSION_LOCALE: "mission_locale",
    OrganisationKind.ACI: "siae",
    OrganisationKind.EI: "siae",
    OrganisationKind.AI: "siae",
    OrganisationKind.ETTI: "siae",
    OrganisationKind.CHRS: "hebergement",
    OrganisationKind.CADA: "hebergement",
    OrganisationKind.DEPARTEMENT: "departement",
    OrganisationKind.FRANCE_TRAVAIL: "emploi",
    OrganisationKind.CAP_EMPLOI: "emploi",
    OrganisationKind.TRAINING: "formation",
}
GROUP_INFO = {key: (label, short, fill) for key, label, short, fill in GROUPS}
GROUP_ORDER = {key: i for i, (key, *_rest) in enumerate(GROUPS)}
KIND_LABELS = dict(OrganisationKind.choices)
PARTNERSHIP_LABELS = dict(PartnershipKind.choices)


@dataclass
class Node:
    pk: int
    name: str
    kind: str
    commune_code: str
    is_external: bool
    in_territory: bool
    sent: int = 0
    received: int = 0
    x: float = 0.0
    y: float = 0.0

    @property
    def group(self) -> str:
        return GROUP_OF_KIND.get(self.kind, "autre")

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def commune_name(self) -> str:
        commune = get_commune(self.commune_code) if self.commune_code else None
        return commune.name.title() if commune else self.commune_code

    @property
    def sent_label(self) -> str:
        return count_label(self.sent)

    @property
    def received_label(self) -> str:
        return count_label(self.received)


@dataclass
class Flow:
    source: Node
    target: Node
    count: int
    answered: int
    accepted: int
    median_delay: timedelta | None = None

    @property
    def is_small(self) -> bool:
        return self.count < SMALL_COUNT

    @property
    def acceptance_rate(self) -> float | None:
        return self.accepted / self.answered if self.answered else None

    @property
    def count_label(self) -> str:
        return count_label(self.count)

    @property
    def rate_label(self) -> str:
        return "non communiqué" if self.is_small else rate_label(self.acceptance_rate)

    @property
    def delay_label(self) -> str:
        return "non communiqué" if self.is_small else delay_label(self.median_delay)


@dataclass
class PartnershipRow:
    pk: int
    source: Node
    target: Node
    kind: str
    description: str
    started_on: date | None
    ended_on: date | None
    is_active: bool

    @property
    def kind_label(self) -> str:
        return PARTNERSHIP_LABELS.get(self.kind, self.kind)


@dataclass
class ActorMap:
    territory: Territory
    start: date
    end: date
    organisations: list[Node]  # of the territory
    outside: list[Node]  # partners outside the territory, tied to it
    flows: list[Flow]
    partnerships: list[PartnershipRow]
    diagram_nodes: list[Node] = field(default_factory=list)

    @property
    def total_referrals(self) -> int:
        return sum(f.count for f in self.flows)

    @property
    def groups_present(self) -> list[tuple[str, str, str, str]]:
        present = {n.group for n in self.diagram_nodes}
        return [g for g in GROUPS if g[0] in present]


class Median(Aggregate):
    """PostgreSQL only: percentile_cont(0.5) of a duration, in seconds."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM %(expressions)s))"
    output_field = FloatField()


class SecondsBetween(Func):
    """SQLite: seconds from one datetime column to another, computed by SQLite itself
    (Django's generic datetime subtraction calls back into Python for every row)."""

    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra_context):
        raise NotImplementedError("SecondsBetween is for SQLite (PostgreSQL: Median).")

    def as_sqlite(self, compiler, connection, **extra_context):
        start, end = (compiler.compile(e) for e in self.get_source_expressions())
        sql = f"((julianday({end[0]}) - julianday({start[0]})) * 86400.0)"
        return sql, (*start[1], *end[1])


def _period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def check_period(start: date, end: date) -> None:
    if start > end:
        raise DomainError("La date de début doit précéder la date de fin.", field="du")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise DomainError("Choisissez une période de cinq ans au plus.", field="du")


def _node(row: dict, in_territory: bool) -> Node:
    return Node(
        pk=row["pk"],
        name=row["name"],
        kind=row["kind"],
        commune_code=row["commune_code"],
        is_external=row["is_external"],
        in_territory=in_territory,
    )


NODE_FIELDS = ("pk", "name", "kind", "commune_code", "is_external")


def build_actor_map(territory: Territory, *, start: date, end: date) -> ActorMap:
    """Five or six queries whatever the size of the territory (organisations, flows,
    answered delays on SQLite, partnerships, partners outside the territory)."""
    check_period(start, end)
    today = timezone.localdate()
    inside = {
        row["pk"]: _node(row, True)
        for row in Organisation.objects.filter(territory.organisations_q(), is_active=True)
        .order_by("name", "pk")
        .values(*NODE_FIELDS)
    }
    ids = list(inside)
    since, until = _period_bounds(start, end)
    # Two halves, each on its own index: what the territory sends (flow index: sender
    # first), and what it receives from outside (inbox index: receiver first). An OR of the
    # two would make the database scan the whole period.
    period = Referral.objects.filter(sent_at__gte=since, sent_at__lt=until).order_by()
    halves = (
        period.filter(sender_organisation_id__in=ids),
        period.filter(receiver_organisation_id__in=ids).exclude(sender_organisation_id__in=ids),
    )
    answered = Q(answered_at__isnull=False)
    # Only columns of the flow indexes (COUNT(*), not COUNT(id)): index-only reads.
    aggregates = {
        "count": Count("*"),
        "answered": Count("answered_at"),
        "accepted": Count("answered_at", filter=Q(status__in=ACCEPTED_STATUSES)),
    }
    on_postgresql = connection.vendor == "postgresql"
    if on_postgresql:
        aggregates["median_seconds"] = Median(
            ExpressionWrapper(F("answered_at") - F("sent_at"), output_field=DurationField()),
            filter=answered,
        )
    pair = ("sender_organisation_id", "receiver_organisation_id")
    rows = (
        list(
            halves[0]
            .values(*pair)
            .annotate(**aggregates)
            .union(halves[1].values(*pair).annotate(**aggregates), all=True)
        )
        if ids
        else []
    )
    medians: dict[tuple[int, int], timedelta | None] = {}
    if on_postgresql:
        for row in rows:
            seconds = row["median_seconds"]
            key = (row["sender_organisation_id"], row["receiver_organisation_id"])
            medians[key] = timedelta(seconds=seconds) if seconds is not None else None
    elif rows:
        delays: dict[tuple[int, int], list[float]] = defaultdict(list)
        answered_delays = [
            half.filter(answered).annotate(delay=SecondsBetween("sent_at", "answered_at"))
            for half in halves
        ]
        for sender, receiver, seconds in (
            answered_delays[0]
            .values_list(*pair, "delay")
            .union(answered_delays[1].values_list(*pair, "delay"), all=True)
        ):
            delays[(sender, receiver)].append(seconds)
        # To the second: julianday() arithmetic is exact to a few microseconds only.
        medians = {
            key: timedelta(seconds=round(statistics.median(values)))
            for key, values in delays.items()
        }

    partnership_rows = list(
        Partnership.objects.filter(Q(source_id__in=ids) | Q(target_id__in=ids))
        .order_by("source_id", "target_id", "kind")
        .values("pk", "source_id", "target_id", "kind", "description", "started_on", "ended_on")
    )
    outside_ids = {
        pk
        for row in rows
        for pk in (row["sender_organisation_id"], row["receiver_organisation_id"])
        if pk not in inside
    } | {
        pk for p in partnership_rows for pk in (p["source_id"], p["target_id"]) if pk not in inside
    }
    outside = {}
    if outside_ids:
        outside = {
            row["pk"]: _node(row, False)
            for row in Organisation.objects.filter(pk__in=outside_ids)
            .order_by("name", "pk")
            .values(*NODE_FIELDS)
        }
    nodes = {**inside, **outside}

    flows = []
    for row in rows:
        key = (row["sender_organisation_id"], row["receiver_organisation_id"])
        source, target = nodes[key[0]], nodes[key[1]]
        flow = Flow(
            source=source,
            target=target,
            count=row["count"],
            answered=row["answered"],
            accepted=row["accepted"],
            median_delay=medians.get(key),
        )
        source.sent += flow.count
        target.received += flow.count
        flows.append(flow)
    flows.sort(key=lambda f: (-f.count, f.source.name, f.target.name))

    partnerships = [
        PartnershipRow(
            pk=p["pk"],
            source=nodes[p["source_id"]],
            target=nodes[p["target_id"]],
            kind=p["kind"],
            description=p["description"],
            started_on=p["started_on"],
            ended_on=p["ended_on"],
            is_active=p["ended_on"] is None or p["ended_on"] > today,
        )
        for p in partnership_rows
    ]
    partnerships.sort(key=lambda p: (not p.is_active, p.source.name, p.target.name, p.kind))

    actor_map = ActorMap(
        territory=territory,
        start=start,
        end=end,
        organisations=list(inside.values()),
        outside=sorted(outside.values(), key=lambda n: (n.name, n.pk)),
        flows=flows,
        partnerships=partnerships,
    )
    actor_map.diagram_nodes = _layout(actor_map)
    return actor_map


# --- Layout and SVG -------------------------------------------------------------------------------

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


def _layout(actor_map: ActorMap) -> list[Node]:
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


def actor_map_svg(
    actor_map: ActorMap, *, chart_id: str = "cartographie", standalone: bool = False
) -> SafeString:
    """The network diagram as an accessible SVG image (role="img", <title>, <desc>), with
    presentation attributes only (the Content-Security-Policy forbids style attributes).
    `standalone`: an SVG file of its own (XML declaration), for the download."""
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

    svg = format_html(
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
    if standalone:
        return SafeString('<?xml version="1.0" encoding="UTF-8"?>\n' + svg)
    return svg


# --- CSV --------------------------------------------------------------------------------------------

CSV_HEADER = (
    "type",
    "de",
    "commune (de)",
    "vers",
    "commune (vers)",
    "nature",
    "orientations",
    "taux d'acceptation",
    "délai médian de réponse",
    "depuis",
    "jusqu'au",
)


def actor_map_csv(actor_map: ActorMap) -> str:
    """Flows and partnerships, one line each, « ; » separated (what French spreadsheets
    open directly); small counts masked as in the tables."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for f in actor_map.flows:
        writer.writerow(
            (
                "orientations",
                f.source.name,
                f.source.commune_name,
                f.target.name,
                f.target.commune_name,
                "",
                f.count_label,
                f.rate_label,
                f.delay_label,
                actor_map.start.strftime("%d/%m/%Y"),
                actor_map.end.strftime("%d/%m/%Y"),
            )
        )
    for p in actor_map.partnerships:
        writer.writerow(
            (
                "partenariat",
                p.source.name,
                p.source.commune_name,
                p.target.name,
                p.target.commune_name,
                p.kind_label,
                "",
                "",
                "",
                p.started_on.strftime("%d/%m/%Y") if p.started_on else "",
                p.ended_on.strftime("%d/%m/%Y") if p.ended_on else "",
            )
        )
    return out.getvalue()
