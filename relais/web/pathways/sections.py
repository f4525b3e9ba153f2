"""Sections of the person page owned by the pathways domain: the pathways here; the
appointments, notes and timeline sections live with their pages (`appointments`, `notes`,
`timeline`)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from relais.pathways import selectors
from relais.people.models import Person
from relais.people.policies import Capability, can
from relais.web.pathways.appointments import appointments_section
from relais.web.pathways.cosignatures import attach_online_signatures
from relais.web.pathways.notes import notes_section
from relais.web.pathways.timeline import timeline_section
from relais.web.people.sections import Section


def pathways_section(request: HttpRequest, person: Person) -> dict | None:
    """The person's pathways, each with its goals and their steps, compactly. Constant
    number of queries whatever the number of pathways, goals and steps (prefetch)."""
    if not can(request.membership, Capability.ACCOMPANIMENT, person):
        return None
    today = timezone.localdate()
    plans = [selectors.plan_of(p, today) for p in selectors.pathways_of(person)]
    attach_online_signatures(c for plan in plans for c in plan.pathway.contracts.all())
    return {"person": person, "plans": plans}


SECTIONS: list = [
    Section(
        "parcours",
        "Parcours, objectifs et étapes",
        "pathways/section.html",
        pathways_section,
        Capability.ACCOMPANIMENT,
    ),
    Section(
        "rendez-vous",
        "Rendez-vous",
        "pathways/notes/section_appointments.html",
        appointments_section,
        Capability.APPOINTMENTS,
    ),
    Section(
        "ecrits",
        "Écrits professionnels",
        "pathways/notes/section_notes.html",
        notes_section,
        Capability.ACCOMPANIMENT,
    ),
    Section(
        "chronologie",
        "Chronologie",
        "pathways/timeline_section.html",
        timeline_section,
        Capability.IDENTITY,
    ),
]
