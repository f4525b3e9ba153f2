"""The actor map as data: the organisations (nodes), the referral flows and the declared
partnerships between them (edges), and how their figures are shown.

Counts from 1 to 4 are shown as « < 5 » (statistical confidentiality), and the rate and
delay of such a flow are not shown. Organisation kinds fall into colour groups, each with
a short code written in the diagram's nodes (colour is never the only carrier)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from relais.accounts.models import OrganisationKind
from relais.core.communes import get_commune
from relais.network.actor_map.territory import Territory
from relais.network.coordination.models import PartnershipKind

SMALL_COUNT = 5


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
        return commune.name if commune else self.commune_code

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
