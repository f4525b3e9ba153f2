"""The employment module's part of a person's timeline: placements (their start, and their
outcome once recorded), abilities observed, mediations. One query per kind (`.values()`),
as the other readers."""

from __future__ import annotations

from django.db.models.functions import Substr

from relais.core.links import link
from relais.employment.models import (
    Ability,
    Mediation,
    Placement,
    PlacementKind,
    PlacementOutcome,
    SituationKind,
)
from relais.employment.vocabulary import ability_label
from relais.people.models import Person
from relais.records.timeline.items import EXCERPT_CHARS, TimelineItem, TimelineKind, by_person


def _placement_url(person_id: int, placement_id: int) -> str:
    return link("placement", person_id, placement_id) or "#emploi"


@by_person
def _placements_rows(person_id, n):
    return (
        Placement.objects.filter(person_id=person_id)
        .order_by("-starts_on", "-pk")
        .values(
            "id",
            "kind",
            "job_title",
            "employer__name",
            "starts_on",
            "tutor_name",
            "outcome",
            "outcome_on",
        )[:n]
    )


def placements(person: Person, membership, n: int) -> list[TimelineItem]:
    rows = _placements_rows(person.pk, n)
    items = []
    for r in rows:
        url = _placement_url(person.pk, r["id"])
        kind = "Immersion (PMSMP)" if r["kind"] == PlacementKind.IMMERSION else "Mise en emploi"
        items.append(
            TimelineItem(
                kind=TimelineKind.PLACEMENT,
                on=r["starts_on"],
                title=f"{kind} : {r['job_title']} chez {r['employer__name']}",
                detail=f"Tuteur ou tutrice : {r['tutor_name']}",
                url=url,
                key=f"placement-{r['id']}",
            )
        )
        if r["outcome"] and r["outcome_on"]:
            items.append(
                TimelineItem(
                    kind=TimelineKind.PLACEMENT,
                    on=r["outcome_on"],
                    title=f"Issue : {r['job_title']} chez {r['employer__name']}",
                    detail=PlacementOutcome(r["outcome"]).label,
                    badge="Issue",
                    badge_level="success" if r["outcome"] != "broken" else "warning",
                    url=url,
                    key=f"placement-outcome-{r['id']}",
                )
            )
    return items


@by_person
def _abilities_rows(person_id, n):
    return (
        Ability.objects.filter(person_id=person_id)
        .order_by("-observed_on", "-pk")
        .values("id", "code", "level", "situation", "observed_on", "observer_name")[:n]
    )


def abilities(person: Person, membership, n: int) -> list[TimelineItem]:
    rows = _abilities_rows(person.pk, n)
    return [
        TimelineItem(
            kind=TimelineKind.ABILITY,
            on=r["observed_on"],
            title=f"Habileté observée : {ability_label(r['code'])} (niveau {r['level']})",
            detail=f"{SituationKind(r['situation']).label}, observée par {r['observer_name']}",
            url="#emploi",
            key=f"ability-{r['id']}",
        )
        for r in rows
    ]


@by_person
def _mediations_rows(person_id, n):
    return (
        Mediation.objects.filter(placement__person_id=person_id)
        .order_by("-happened_on", "-pk")
        .values(
            "id",
            "placement_id",
            "happened_on",
            "placement__employer__name",
            difficulty_text=Substr("difficulty", 1, EXCERPT_CHARS + 1),
        )[:n]
    )


def mediations(person: Person, membership, n: int) -> list[TimelineItem]:
    rows = _mediations_rows(person.pk, n)
    return [
        TimelineItem(
            kind=TimelineKind.MEDIATION,
            on=r["happened_on"],
            title=f"Médiation avec {r['placement__employer__name']}",
            detail=r["difficulty_text"][:EXCERPT_CHARS],
            url=_placement_url(person.pk, r["placement_id"]),
            key=f"mediation-{r['id']}",
        )
        for r in rows
    ]
