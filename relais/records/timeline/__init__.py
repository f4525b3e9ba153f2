"""The timeline of a person's record: notes, appointments, steps, reviews, diagnostics,
consents, life events, exits, signed contracts and workshop attendance in one dated list, newest first.

One query per kind at most, whatever the number of items: each kind is read with
`.values()` (no model instances, only the columns shown, long texts cut in the database)
and limited to `limit + 1` rows; the lists are merged in Python. What a user may see is
decided here: notes through the same rule as `can_read_note` (author-only notes are
invisible to everybody but their author), and a role without the accompaniment capability
(staff) sees the record's opening and the appointments only.
"""

from __future__ import annotations

from dataclasses import replace

from relais.people.models import (
    Person,
)
from relais.people.policies import Capability, can
from relais.records.timeline import employment, readers, workshops
from relais.records.timeline.items import (  # noqa: F401  (the timeline's public names)
    DEFAULT_LIMIT,
    MAX_LIMIT,
    STAFF_KINDS,
    Timeline,
    TimelineItem,
    TimelineKind,
    parse_kinds,
    visible_kinds,
)

_READERS = {
    TimelineKind.NOTE: readers._notes,
    TimelineKind.APPOINTMENT: readers._appointments,
    TimelineKind.STEP: readers._steps,
    TimelineKind.REVIEW: readers._reviews,
    TimelineKind.DIAGNOSTIC: readers._diagnostics,
    TimelineKind.CONSENT: readers._consents,
    TimelineKind.LIFE_EVENT: readers._life_events,
    TimelineKind.PATHWAY: readers._pathways,
    TimelineKind.EXIT: readers._exits,
    TimelineKind.CONTRACT: readers._contracts,
    TimelineKind.RECORD: readers._record,
    TimelineKind.REFERRAL: readers._referrals,
    TimelineKind.PLACEMENT: employment.placements,
    TimelineKind.ABILITY: employment.abilities,
    TimelineKind.MEDIATION: employment.mediations,
    TimelineKind.WORKSHOP: workshops._attendances,
}


def register_reader(kind: TimelineKind, reader) -> None:
    """A module above `records` (the person's space) adds the reader of its own kind at
    start-up: records may not import it (layers go one way)."""
    _READERS[kind] = reader


def build_timeline(
    person: Person,
    membership,
    *,
    kinds: list[TimelineKind] | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> Timeline:
    """The `limit` most recent items of `person`'s record that `membership` may see, after
    the `offset` more recent ones (a page), of the chosen `kinds` (all visible kinds if
    none)."""
    allowed = visible_kinds(membership)
    if not can(membership, Capability.IDENTITY, person):
        return Timeline(items=[], has_more=False, kinds=[], limit=limit)
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, min(offset, MAX_LIMIT))
    selected = [k for k in (kinds or []) if k in allowed]
    items: list[TimelineItem] = []
    for kind in selected or allowed:
        reader = _READERS.get(kind)
        if reader is not None:
            items.extend(reader(person, membership, offset + limit + 1))
    items.sort(key=lambda i: i.sort_key, reverse=True)
    items = items[offset : offset + limit + 1]
    person_url = readers._url("person", person.pk)
    items = [replace(i, url=person_url + i.url) if i.url.startswith("#") else i for i in items]
    return Timeline(
        items=items[:limit],
        has_more=len(items) > limit,
        kinds=allowed,
        selected=selected,
        limit=limit,
        offset=offset,
    )
