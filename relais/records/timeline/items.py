"""The items of a person's timeline: their kinds, what each item shows, which kinds a role
sees (shared by the readers and the timeline that merges them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from relais.core.compiled import CompiledQuery
from relais.people.policies import Capability, can

DEFAULT_LIMIT = 50  # a page: the rest loads on demand, so a long record costs no more
MAX_LIMIT = 3000
EXCERPT_CHARS = 240


class TimelineKind(StrEnum):
    NOTE = "note"
    APPOINTMENT = "appointment"
    STEP = "step"
    REVIEW = "review"
    DIAGNOSTIC = "diagnostic"
    CONSENT = "consent"
    LIFE_EVENT = "life_event"
    PATHWAY = "pathway"
    EXIT = "exit"
    CONTRACT = "contract"
    RECORD = "record"
    REFERRAL = "referral"
    PLACEMENT = "placement"
    ABILITY = "ability"
    MEDIATION = "mediation"
    WORKSHOP = "workshop"
    PERSON_SPACE = "person_space"  # what the person did in their own space


KIND_LABELS: dict[TimelineKind, str] = {
    TimelineKind.NOTE: "Écrits",
    TimelineKind.APPOINTMENT: "Rendez-vous",
    TimelineKind.STEP: "Étapes",
    TimelineKind.REVIEW: "Bilans",
    TimelineKind.DIAGNOSTIC: "Diagnostics",
    TimelineKind.CONSENT: "Consentements",
    TimelineKind.LIFE_EVENT: "Événements de vie",
    TimelineKind.PATHWAY: "Parcours",
    TimelineKind.EXIT: "Sorties",
    TimelineKind.CONTRACT: "Contrats signés",
    TimelineKind.RECORD: "Dossier",
    TimelineKind.REFERRAL: "Orientations",
    TimelineKind.PLACEMENT: "Mises en emploi",
    TimelineKind.ABILITY: "Habiletés",
    TimelineKind.MEDIATION: "Médiations",
    TimelineKind.WORKSHOP: "Ateliers",
    TimelineKind.PERSON_SPACE: "Espace personnel",
}

# DSFR icon per kind.
KIND_ICONS: dict[TimelineKind, str] = {
    TimelineKind.NOTE: "fr-icon-file-text-line",
    TimelineKind.APPOINTMENT: "fr-icon-calendar-line",
    TimelineKind.STEP: "fr-icon-flag-line",
    TimelineKind.REVIEW: "fr-icon-survey-line",
    TimelineKind.DIAGNOSTIC: "fr-icon-search-line",
    TimelineKind.CONSENT: "fr-icon-checkbox-circle-line",
    TimelineKind.LIFE_EVENT: "fr-icon-time-line",
    TimelineKind.PATHWAY: "fr-icon-road-map-line",
    TimelineKind.EXIT: "fr-icon-logout-box-r-line",
    TimelineKind.CONTRACT: "fr-icon-draft-line",
    TimelineKind.RECORD: "fr-icon-folder-2-line",
    TimelineKind.REFERRAL: "fr-icon-send-plane-line",
    TimelineKind.PLACEMENT: "fr-icon-briefcase-line",
    TimelineKind.ABILITY: "fr-icon-award-line",
    TimelineKind.MEDIATION: "fr-icon-discuss-line",
    TimelineKind.WORKSHOP: "fr-icon-team-line",
    TimelineKind.PERSON_SPACE: "fr-icon-user-line",
}

STAFF_KINDS = (TimelineKind.APPOINTMENT, TimelineKind.RECORD)

# Date-only items of a day are shown above that day's appointments (a note is written
# after the meeting it reports).
_END_OF_DAY = dt.time(23, 59, 59)


@dataclass(frozen=True)
class TimelineItem:
    kind: TimelineKind
    on: dt.date
    title: str
    detail: str = ""
    at: dt.time | None = None  # local time, for appointments
    badge: str = ""
    badge_level: str = "info"  # DSFR badge variant: info, success, warning, error, new
    url: str = ""
    key: str = ""  # unique in the list, e.g. "note-12"

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def icon(self) -> str:
        return KIND_ICONS[self.kind]

    # As shown; formatted here rather than by three `date` filters per item (300 items on
    # the person page).
    @property
    def on_iso(self) -> str:
        return self.on.isoformat()

    @property
    def on_day(self) -> str:
        return self.on.strftime("%d/%m/%Y")

    @property
    def at_label(self) -> str:
        return self.at.strftime("%H:%M") if self.at else ""

    @property
    def sort_key(self) -> tuple:
        # Same day, same time: the most recently created record first.
        return (self.on, self.at or _END_OF_DAY, int(self.key.rsplit("-", 1)[-1] or 0))


@dataclass
class Timeline:
    items: list[TimelineItem]
    has_more: bool
    kinds: list[TimelineKind]  # the kinds this user may see (filter choices)
    selected: list[TimelineKind] = field(default_factory=list)
    limit: int = DEFAULT_LIMIT
    offset: int = 0  # items skipped (the more recent pages already shown)

    @property
    def kind_choices(self) -> list[tuple[str, str]]:
        return [(str(k), KIND_LABELS[k]) for k in self.kinds]


def visible_kinds(membership) -> list[TimelineKind]:
    if can(membership, Capability.ACCOMPANIMENT):
        return list(TimelineKind)
    if can(membership, Capability.APPOINTMENTS):
        return list(STAFF_KINDS)
    return [TimelineKind.RECORD]


def parse_kinds(values: list[str], allowed: list[TimelineKind]) -> list[TimelineKind]:
    wanted = {v for v in values if v in TimelineKind.__members__.values()}
    return [k for k in allowed if k in wanted]


def _bucket(n: int) -> int:
    """The LIMIT a reader's query is compiled with: `n` rounded up to a power of two, so
    that each query has a few variants (the rows beyond `n` are dropped)."""
    return 1 << max(n - 1, 0).bit_length()


def by_person(build=None, *, ids: tuple[str, ...] = ()):
    """Decorates `build(person_id, n, **ids)`, a `values()` queryset of one person's rows
    of a kind, newest first, cut at `[:n]`: the decorated function runs it compiled once
    per connection and bucket of `n` (`relais.core.compiled`). Every timeline page runs
    each reader, and building and compiling their queries cost more than running them
    (docs/performance.md)."""

    def decorate(build):
        query = CompiledQuery(
            lambda person_id, n, **values: build(person_id, n, **values),
            ids=("person_id", *ids),
            keys=("n",),
        )

        def read(person_id: int, n: int, **values) -> list[dict]:
            return query(person_id=person_id, n=_bucket(n), **values)[:n]

        read.build = build  # the queryset itself, for the tests
        return read

    return decorate(build) if build is not None else decorate
