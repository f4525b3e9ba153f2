"""Sections of the person page owned by the people domain. Each makes a fixed number of
queries, whatever the number of consents, events or documents."""

from __future__ import annotations

from django.http import HttpRequest

from relais.core.communes import get_commune
from relais.people import selectors
from relais.people.models import Person, Resource
from relais.people.policies import Capability, can
from relais.web.people.sections import Section


def identity(request: HttpRequest, person: Person) -> dict | None:
    referent_choices = None
    if can(request.membership, Capability.REASSIGN, person):
        # One query: the choices are listed here rather than through a form field (which
        # would count them first).
        referent_choices = [
            (user.pk, user.get_full_name() or user.email)
            for user in selectors.assignable_referents(person.organisation_id)
        ]
    return {
        "person": person,
        "commune": get_commune(person.commune_code) if person.commune_code else None,
        "can_edit": person.archived_at is None
        and can(request.membership, Capability.IDENTITY, person),
        "referent_choices": referent_choices,
    }


def situation(request: HttpRequest, person: Person) -> dict | None:
    if not can(request.membership, Capability.ACCOMPANIMENT, person):
        return None
    labels = dict(Resource.choices)
    return {
        "person": person,
        "children_count": len(person.children_ages or []),
        "resources": [labels.get(r, r) for r in person.resources or []],
        "can_edit": person.archived_at is None,
    }


def life_events(request: HttpRequest, person: Person) -> dict | None:
    if not can(request.membership, Capability.ACCOMPANIMENT, person):
        return None
    events = selectors.life_events(person)
    return {
        "person": person,
        "events": events,
        "ruptures": sum(1 for e in events if e.is_rupture),
    }


def documents(request: HttpRequest, person: Person) -> dict | None:
    if not can(request.membership, Capability.ACCOMPANIMENT, person):
        return None
    rows = selectors.documents(person)
    return {
        "person": person,
        "rows": rows,
        "expired": sum(1 for r in rows if r.is_expired),
    }


def consents(request: HttpRequest, person: Person) -> dict | None:
    if not can(request.membership, Capability.ACCOMPANIMENT, person):
        return None
    rows = selectors.consent_history(person)
    return {
        "person": person,
        "current": [r for r in rows if r.is_current],
        "history": [r for r in rows if not r.is_current],
    }


SECTIONS = [
    Section(
        "identite",
        "Identité et contact",
        "people/sections/identity.html",
        identity,
        Capability.VIEW,
    ),
    Section(
        "situation",
        "Situation",
        "people/sections/situation.html",
        situation,
        Capability.ACCOMPANIMENT,
    ),
    Section(
        "evenements",
        "Éléments clefs de l'histoire",
        "people/sections/life_events.html",
        life_events,
        Capability.ACCOMPANIMENT,
    ),
    Section(
        "documents",
        "Documents",
        "people/sections/documents.html",
        documents,
        Capability.ACCOMPANIMENT,
    ),
    Section(
        "consentements",
        "Consentements",
        "people/sections/consents.html",
        consents,
        Capability.ACCOMPANIMENT,
    ),
]
